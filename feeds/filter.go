package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// maxFilterText bounds the text of one field that filters look at: an
// upstream's megabyte of content must not make every regexp and word search
// run over all of it on every render. Matches further in are not seen.
const maxFilterText = 64 << 10

// filter holds a feed's include and exclude entries, compiled by config.
type filter struct {
	include []config.Matcher
	exclude []config.Matcher
}

func newFilter(f *config.CompiledFeed) *filter {
	return &filter{include: f.Include, exclude: f.Exclude}
}

// empty reports whether the filter keeps every item.
func (f *filter) empty() bool {
	return f == nil || len(f.include) == 0 && len(f.exclude) == 0
}

// keep reports whether the item passes: it matches some include entry (or
// there are none) and no exclude entry.
func (f *filter) keep(it *sources.Item) bool {
	if f.empty() {
		return true
	}
	t := itemText{it: it}
	if len(f.include) > 0 && !t.matchAny(f.include) {
		return false
	}
	return !t.matchAny(f.exclude)
}

// itemText is the text of each filter scope of one item, built on first use.
type itemText struct {
	it    *sources.Item
	text  map[string]string
	lower map[string]string
}

func (t *itemText) matchAny(ms []config.Matcher) bool {
	for _, m := range ms {
		if m.Re != nil && m.Re.MatchString(t.get(m.Field, false)) ||
			m.Re == nil && containsWord(t.get(m.Field, true), m.Word) {
			return true
		}
	}
	return false
}

// get returns the text of scope, lower-cased when asked.
func (t *itemText) get(scope string, lower bool) string {
	if t.text == nil {
		t.text, t.lower = make(map[string]string, 2), make(map[string]string, 2)
	}
	s, ok := t.text[scope]
	if !ok {
		s = scopeText(t.it, scope)
		t.text[scope] = s
	}
	if !lower {
		return s
	}
	l, ok := t.lower[scope]
	if !ok {
		l = strings.ToLower(s)
		t.lower[scope] = l
	}
	return l
}

// scopeText is the text a filter scope looks at, each field bounded, one
// value per line so a word never spans two fields.
func scopeText(it *sources.Item, scope string) string {
	switch scope {
	case config.ScopeTitle:
		return bounded(it.Title)
	case config.ScopeLink:
		return bounded(it.Link)
	case config.ScopeCategory:
		return bounded(strings.Join(it.Categories, "\n"))
	case config.ScopeAuthor:
		names := make([]string, 0, len(it.Authors))
		for _, a := range it.Authors {
			names = append(names, strings.TrimSpace(a.Name+" "+a.Email))
		}
		return bounded(strings.Join(names, "\n"))
	}
	return filterText(it)
}

// bounded cuts s to at most maxFilterText bytes, on a rune boundary.
func bounded(s string) string {
	if len(s) <= maxFilterText {
		return s
	}
	i := maxFilterText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// filterText joins the fields unscoped entries look at, with tags
// stripped, one per line so a word never spans two fields. Each field is
// bounded first, so a huge content is not converted whole.
func filterText(it *sources.Item) string {
	var b strings.Builder
	b.WriteString(bounded(it.Title))
	b.WriteByte('\n')
	b.WriteString(bounded(sources.PlainText(bounded(it.Summary))))
	b.WriteByte('\n')
	b.WriteString(bounded(sources.PlainText(bounded(it.Content))))
	for _, c := range it.Categories {
		b.WriteByte('\n')
		b.WriteString(bounded(c))
	}
	return b.String()
}

// containsWord reports whether word occurs in text delimited by non-word
// characters (or the ends); both are lower-cased.
func containsWord(text, word string) bool {
	for i := 0; i <= len(text)-len(word); {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if boundaryBefore(text, start) && boundaryAfter(text, end) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		i = start + size
	}
	return false
}

func boundaryBefore(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !isWordRune(r)
}

func boundaryAfter(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return !isWordRune(r)
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
