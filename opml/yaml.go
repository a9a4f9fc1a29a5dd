package opml

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// maxNameLen keeps derived source names readable in logs and metrics labels.
const maxNameLen = 48

type sourceEntry struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
	URL  string `yaml:"url"`
}

// SourcesYAML returns a `sources:` YAML block with one feed source per
// outline, ready to paste into config.yaml. Names are derived from the
// title (else the feed's host), reduced to [a-z0-9-]+ and made unique by
// appending -2, -3 and so on.
func SourcesYAML(outlines []Outline) ([]byte, error) {
	doc := struct {
		Sources []sourceEntry `yaml:"sources"`
	}{Sources: make([]sourceEntry, 0, len(outlines))}
	used := make(map[string]bool, len(outlines))
	for _, o := range outlines {
		name := uniqueName(deriveName(o), used)
		doc.Sources = append(doc.Sources, sourceEntry{Name: name, Kind: "feed", URL: o.XMLURL})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("opml: sources yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("opml: sources yaml: %w", err)
	}
	return buf.Bytes(), nil
}

func deriveName(o Outline) string {
	if n := slugify(o.Title); n != "" {
		return n
	}
	if u, err := url.Parse(o.XMLURL); err == nil {
		if n := slugify(strings.TrimPrefix(u.Hostname(), "www.")); n != "" {
			return n
		}
	}
	return "source"
}

func uniqueName(base string, used map[string]bool) string {
	name := base
	for n := 2; used[name]; n++ {
		name = base + "-" + strconv.Itoa(n)
	}
	used[name] = true
	return name
}

// slugify lower-cases s, drops accents (é -> e) and joins the remaining
// runs of ASCII letters and digits with single hyphens.
func slugify(s string) string {
	var b strings.Builder
	pendingDash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining mark left by NFKD
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pendingDash && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingDash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			pendingDash = true
		}
		if b.Len() >= maxNameLen {
			break
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), maxNameLen)], "-")
}
