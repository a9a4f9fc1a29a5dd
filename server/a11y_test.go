package server

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// cssVars reads the custom properties of the light :root block and of the
// one inside @media (prefers-color-scheme: dark).
func cssVars(t *testing.T) (light, dark map[string]string) {
	t.Helper()
	css := string(newAssets().css.body)
	darkAt := strings.Index(css, "@media (prefers-color-scheme: dark)")
	if darkAt < 0 {
		t.Fatal("no dark mode in style.css")
	}
	decl := regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`)
	read := func(s string) map[string]string {
		block := s[strings.Index(s, ":root {"):]
		block = block[:strings.Index(block, "}")]
		out := map[string]string{}
		for _, m := range decl.FindAllStringSubmatch(block, -1) {
			out[m[1]] = m[2]
		}
		return out
	}
	return read(css[:darkAt]), read(css[darkAt:])
}

func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

// TestContrast holds every text colour of the stylesheet to WCAG AA (4.5:1)
// against the backgrounds it is drawn on, in light and dark mode.
func TestContrast(t *testing.T) {
	light, dark := cssVars(t)
	pairs := [][2]string{
		{"text", "bg"}, {"text", "surface"}, {"muted", "bg"}, {"muted", "surface"},
		{"accent", "bg"}, {"accent", "surface"}, {"accent-text", "accent"},
		{"fail-fg", "fail-bg"}, {"stale-fg", "stale-bg"}, {"ok-fg", "ok-bg"}, {"idle-fg", "idle-bg"},
		{"fail-fg", "surface"}, {"stale-fg", "surface"},
	}
	for name, vars := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			fg, bg := vars[p[0]], vars[p[1]]
			if fg == "" || bg == "" {
				t.Errorf("%s: --%s or --%s not defined", name, p[0], p[1])
				continue
			}
			a, b := luminance(t, fg), luminance(t, bg)
			ratio := (math.Max(a, b) + 0.05) / (math.Min(a, b) + 0.05)
			if ratio < 4.5 {
				t.Errorf("%s: --%s %s on --%s %s has contrast %.2f, want at least 4.5", name, p[0], fg, p[1], bg, ratio)
			}
		}
	}
}

// TestSemanticHTML checks every page for what assistive technology relies
// on: a language, the landmarks, one h1, headed tables with scopes, labelled
// inputs, and no inline script or style the CSP would block.
func TestSemanticHTML(t *testing.T) {
	fx := newFixture(t, "")
	for _, tc := range []struct{ path, accept string }{
		{"/", ""}, {"/feeds/world", "text/html"}, {"/feeds/empty", "text/html"}, {"/status", ""},
		{"/status/sources/hostile", ""},
	} {
		w := fx.do("GET", tc.path, "Accept", tc.accept)
		if w.Code != 200 {
			t.Fatalf("%s: %d", tc.path, w.Code)
		}
		doc, err := html.Parse(strings.NewReader(w.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		ids := map[string]bool{}
		var problems []string
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				count[n.Data]++
				a := attrs(n)
				if a["id"] != "" {
					ids[a["id"]] = true
				}
				switch n.Data {
				case "html":
					if a["lang"] == "" {
						problems = append(problems, "html without lang")
					}
				case "th":
					if a["scope"] != "col" && a["scope"] != "row" {
						problems = append(problems, "th without scope")
					}
				case "img":
					if _, ok := a["alt"]; !ok {
						problems = append(problems, "img without alt")
					}
				case "script":
					if a["src"] == "" {
						problems = append(problems, "inline script")
					}
				case "style":
					problems = append(problems, "inline style element")
				}
				if _, ok := a["style"]; ok {
					problems = append(problems, n.Data+" with a style attribute")
				}
				for k := range a {
					if strings.HasPrefix(k, "on") {
						problems = append(problems, n.Data+" with an event handler "+k)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		for _, el := range []string{"header", "nav", "main", "footer", "h1"} {
			if count[el] != 1 {
				problems = append(problems, fmt.Sprintf("%d <%s>, want 1", count[el], el))
			}
		}
		if count["table"] > 0 && count["thead"] != count["table"] {
			problems = append(problems, "a table without thead")
		}
		// Every input has its label.
		for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(w.Body.String(), -1) {
			if !ids[m[1]] {
				problems = append(problems, "label for a missing id "+m[1])
			}
		}
		if count["input"] != strings.Count(w.Body.String(), "<label for=") {
			problems = append(problems, "an input without a label")
		}
		for _, p := range problems {
			t.Errorf("%s: %s", tc.path, p)
		}
	}
}

func attrs(n *html.Node) map[string]string {
	out := map[string]string{}
	for _, a := range n.Attr {
		out[a.Key] = a.Val
	}
	return out
}
