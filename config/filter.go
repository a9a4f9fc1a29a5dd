package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Filter scopes: an include or exclude entry "title:WORDS" looks at the
// title only, and so on; an entry without a scope looks at the title,
// summary, content and categories.
const (
	ScopeAll      = ""
	ScopeTitle    = "title"
	ScopeAuthor   = "author"
	ScopeCategory = "category"
	ScopeLink     = "link"
)

// Matcher is one compiled include or exclude entry: whole words matched
// case-insensitively, or a regular expression, in one field or all text.
type Matcher struct {
	// Field is the scope: ScopeAll, ScopeTitle, ScopeAuthor, ScopeCategory
	// or ScopeLink.
	Field string
	// Word is the lower-cased text to find as whole words; empty when Re
	// is set.
	Word string
	// Re is the regular expression of a "re:" entry.
	Re *regexp.Regexp
}

// CompileMatcher compiles one include or exclude entry: "WORDS",
// "re:REGEX", or either behind a scope ("title:", "author:", "category:",
// "link:"), e.g. "title:re:^Breaking".
func CompileMatcher(entry string) (Matcher, error) {
	var m Matcher
	rest := entry
	for _, scope := range []string{ScopeTitle, ScopeAuthor, ScopeCategory, ScopeLink} {
		if r, ok := strings.CutPrefix(entry, scope+":"); ok {
			m.Field, rest = scope, r
			break
		}
	}
	if expr, ok := strings.CutPrefix(rest, "re:"); ok {
		re, err := regexp.Compile(expr)
		if err != nil {
			return m, fmt.Errorf("invalid regular expression: %w", err)
		}
		m.Re = re
		return m, nil
	}
	m.Word = strings.ToLower(strings.TrimSpace(rest))
	if m.Word == "" {
		return m, fmt.Errorf("%q: no words to match", entry)
	}
	return m, nil
}
