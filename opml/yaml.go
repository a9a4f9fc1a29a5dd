package opml

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// maxNameLen keeps derived source names readable in logs and metrics labels.
const maxNameLen = 48

type sourceEntry struct {
	Name string   `yaml:"name"`
	Kind string   `yaml:"kind"`
	URL  string   `yaml:"url"`
	Tags []string `yaml:"tags,omitempty,flow"`
}

// SourcesYAML returns a `sources:` YAML block with one feed source per
// outline, ready to paste into config.yaml. Names are derived from the
// title (else the feed's host), transliterated to [a-z0-9-]+ and made
// unique by appending -2, -3 and so on; enclosing folders become tags.
// An outline whose feed URL is not an absolute http(s) URL, or repeats an
// earlier one, is skipped with a warning, so the block always passes
// config validation.
func SourcesYAML(outlines []Outline) (out []byte, warnings []string, err error) {
	doc := struct {
		Sources []sourceEntry `yaml:"sources"`
	}{Sources: make([]sourceEntry, 0, len(outlines))}
	used := make(map[string]bool, len(outlines))
	byURL := make(map[string]string, len(outlines)) // URL -> source name
	for _, o := range outlines {
		u, err := feedURL(o.XMLURL)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("skipped %s: %v", describe(o), err))
			continue
		}
		if first, ok := byURL[u]; ok {
			warnings = append(warnings, fmt.Sprintf("skipped %s: same URL as source %q", describe(o), first))
			continue
		}
		name := uniqueName(deriveName(o.Title, u), used)
		byURL[u] = name
		doc.Sources = append(doc.Sources, sourceEntry{Name: name, Kind: "feed", URL: u, Tags: tags(o.Folders)})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, warnings, fmt.Errorf("opml: sources yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, warnings, fmt.Errorf("opml: sources yaml: %w", err)
	}
	return buf.Bytes(), warnings, nil
}

// describe names an outline in a warning: its title and its URL.
func describe(o Outline) string {
	if strings.TrimSpace(o.Title) == "" {
		return strconv.Quote(o.XMLURL)
	}
	return fmt.Sprintf("%q (%s)", o.Title, strconv.Quote(o.XMLURL))
}

// urlEscaper percent-encodes the characters hand-edited OPML files carry
// that url.Parse lets through but a URL must not contain. Braces matter
// twice: config expands "${VAR}" in every string value it reads, so an
// imported URL must never spell one.
var urlEscaper = strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D")

// feedURL returns raw as an absolute http(s) URL that config accepts.
func feedURL(raw string) (string, error) {
	u, err := url.Parse(urlEscaper.Replace(strings.TrimSpace(raw)))
	if err != nil {
		return "", errors.New("unparseable URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("not an absolute http(s) URL")
	}
	u.Host = strings.ToLower(u.Host) // so that repeats are found whatever the case
	return u.String(), nil
}

// tags turns folder titles into unique tags.
func tags(folders []string) []string {
	var out []string
	for _, f := range folders {
		if t := slugify(f); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// deriveName makes a source name from the title, else from the host of
// the (valid) feed URL.
func deriveName(title, feedURL string) string {
	if n := slugify(title); n != "" {
		return n
	}
	if u, err := url.Parse(feedURL); err == nil {
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

// slugify transliterates s to lower-case ASCII (é -> e, ø -> o) and joins
// the runs of letters and digits with single hyphens. Letters with no
// ASCII spelling (日本語) are separators, so the result may be empty.
func slugify(s string) string {
	var b strings.Builder
	pendingDash := false
	write := func(t string) {
		if pendingDash && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingDash = false
		b.WriteString(t)
	}
	for _, r := range norm.NFKD.String(s) {
		if b.Len() >= maxNameLen {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark left by NFKD: é is e + U+0301
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			write(string(unicode.ToLower(r)))
		case fold(r) != "":
			write(fold(r))
		default:
			pendingDash = true
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), maxNameLen)], "-")
}

// fold spells in ASCII the common Latin letters that NFKD does not
// decompose into a base letter and marks.
func fold(r rune) string {
	switch r {
	case 'ø', 'Ø':
		return "o"
	case 'æ', 'Æ':
		return "ae"
	case 'œ', 'Œ':
		return "oe"
	case 'ß':
		return "ss"
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d"
	case 'ł', 'Ł':
		return "l"
	case 'þ', 'Þ':
		return "th"
	case 'ı':
		return "i"
	}
	return ""
}
