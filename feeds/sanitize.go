package feeds

import (
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tributaryfeeds/tributary/sources"
)

// policy is built once and only read afterwards: bluemonday policies are
// safe for concurrent use once configured.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("picture", "main", "address")
	p.AllowAttrs("title").OnElements("a", "img", "abbr")
	p.AllowAttrs("loading").Matching(bluemonday.SpaceSeparatedTokens).OnElements("img")
	p.AllowAttrs("srcset").OnElements("img")
	return p
})

// sanitizeHTML makes an item's HTML safe to publish: bluemonday removes
// scripts, styles, frames, forms, event handlers and non-web URLs; then every
// URL is made absolute against base and elements left empty are dropped.
func sanitizeHTML(s string, base *url.URL) string {
	s = xmlClean(s)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<>&") {
		return strings.TrimSpace(s) // plain text is valid HTML as is
	}
	clean := policy().Sanitize(s)
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(clean), ctx)
	if err != nil {
		return "" // unreachable for a strings.Reader; publish nothing rather than unsafe HTML
	}
	var b strings.Builder
	for _, n := range nodes {
		fixNode(n, base)
		if n.Type == html.ElementNode && isEmpty(n) {
			continue
		}
		if err := html.Render(&b, n); err != nil {
			return ""
		}
	}
	return strings.TrimSpace(b.String())
}

// urlAttrs are the attributes the policy lets through that hold URLs.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true}

// fixNode resolves URLs under n and removes empty descendant elements.
func fixNode(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		fixAttrs(n, base)
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		fixNode(c, base)
		if c.Type == html.ElementNode && isEmpty(c) {
			n.RemoveChild(c)
		}
		c = next
	}
}

func fixAttrs(n *html.Node, base *url.URL) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		switch {
		case urlAttrs[a.Key]:
			abs, ok := absURL(a.Val, base)
			if !ok {
				continue
			}
			a.Val = abs
		case a.Key == "srcset":
			a.Val = sources.ResolveSrcset(base, a.Val)
			if a.Val == "" {
				continue
			}
		}
		kept = append(kept, a)
	}
	n.Attr = kept
}

// absURL resolves ref against base and accepts only web and mail URLs.
func absURL(ref string, base *url.URL) (string, bool) {
	if u, err := url.Parse(strings.TrimSpace(ref)); err == nil && strings.EqualFold(u.Scheme, "mailto") {
		return u.String(), true
	}
	abs := sources.ResolveURL(base, ref)
	return abs, abs != ""
}

// keepEmpty are elements that mean something without content.
var keepEmpty = map[atom.Atom]bool{
	atom.Img: true, atom.Br: true, atom.Hr: true, atom.Wbr: true,
	atom.Td: true, atom.Th: true, atom.Col: true, atom.Area: true,
}

// isEmpty reports whether an element has no content worth publishing.
func isEmpty(n *html.Node) bool {
	if keepEmpty[n.DataAtom] {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			return false
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return false
			}
		}
	}
	return true
}

// xmlClean removes characters XML 1.0 forbids (most C0 controls, surrogates,
// U+FFFE and U+FFFF) and invalid UTF-8, so every output parses.
func xmlClean(s string) string {
	if xmlValid(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && size == 1) && xmlChar(r) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func xmlValid(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= utf8.RuneSelf {
			return xmlValidSlow(s[i:])
		}
	}
	return true
}

func xmlValidSlow(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !xmlChar(r) {
			return false
		}
		i += size
	}
	return true
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
