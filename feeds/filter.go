package feeds

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tributaryfeeds/tributary/sources"
)

// matcher is one include or exclude entry: a whole word (case-insensitive)
// or a regular expression.
type matcher struct {
	word string // lower-cased; empty when re is set
	re   *regexp.Regexp
}

// filter holds a feed's compiled include and exclude lists.
type filter struct {
	include []matcher
	exclude []matcher
}

// compileFilter compiles include and exclude entries once per config.
func compileFilter(include, exclude []string) (*filter, error) {
	inc, err := compileMatchers(include)
	if err != nil {
		return nil, fmt.Errorf("include: %w", err)
	}
	exc, err := compileMatchers(exclude)
	if err != nil {
		return nil, fmt.Errorf("exclude: %w", err)
	}
	return &filter{include: inc, exclude: exc}, nil
}

func compileMatchers(entries []string) ([]matcher, error) {
	out := make([]matcher, 0, len(entries))
	for _, e := range entries {
		if expr, ok := strings.CutPrefix(e, "re:"); ok {
			re, err := regexp.Compile(expr)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", e, err)
			}
			out = append(out, matcher{re: re})
			continue
		}
		if w := strings.ToLower(strings.TrimSpace(e)); w != "" {
			out = append(out, matcher{word: w})
		}
	}
	return out, nil
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
	text := filterText(it)
	lower := strings.ToLower(text)
	if len(f.include) > 0 && !matchAny(f.include, text, lower) {
		return false
	}
	return !matchAny(f.exclude, text, lower)
}

func matchAny(ms []matcher, text, lower string) bool {
	for _, m := range ms {
		if m.re != nil && m.re.MatchString(text) || m.re == nil && containsWord(lower, m.word) {
			return true
		}
	}
	return false
}

// filterText joins the fields filters look at, with tags stripped, one per
// line so a word never spans two fields.
func filterText(it *sources.Item) string {
	var b strings.Builder
	b.WriteString(it.Title)
	b.WriteByte('\n')
	b.WriteString(sources.PlainText(it.Summary))
	b.WriteByte('\n')
	b.WriteString(sources.PlainText(it.Content))
	for _, c := range it.Categories {
		b.WriteByte('\n')
		b.WriteString(c)
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
