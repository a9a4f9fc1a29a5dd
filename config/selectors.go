package config

import (
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
)

// checkSelector reports why expr, a "sel", "sel@attr" or "@attr" field of
// an html source's select, would not compile. It splits expr as the html
// source does, so what validates is what runs. plain forbids the @attr
// form (select.item must find elements, not read a value).
func checkSelector(expr string, plain bool) error {
	expr = strings.TrimSpace(expr)
	css, attr := SplitSelector(expr)
	switch {
	case attr == "" && strings.HasSuffix(expr, "@"):
		return fmt.Errorf("%q: empty attribute name after @", expr)
	case plain && attr != "":
		return fmt.Errorf("%q: must be a plain CSS selector, without @attr", expr)
	case css == "":
		if plain {
			return fmt.Errorf("%q: empty selector", expr)
		}
		return nil // "@attr" reads an attribute of the item itself
	}
	if _, err := cascadia.Compile(css); err != nil {
		return fmt.Errorf("invalid CSS selector %q: %w", css, err)
	}
	return nil
}

// SplitSelector splits a select field, "sel", "sel@attr" or "@attr", into
// its CSS selector and attribute name (empty: read the text). An '@' inside
// brackets or quotes (a[href*="@"]) belongs to the CSS. The html source
// reads fields with it, so what validates is what runs.
func SplitSelector(expr string) (css, attr string) {
	expr = strings.TrimSpace(expr)
	if i := attrAt(expr); i >= 0 {
		return strings.TrimSpace(expr[:i]), expr[i+1:]
	}
	return expr, ""
}

// attrAt returns the index of the '@' that introduces an attribute name, or
// -1.
func attrAt(expr string) int {
	i := strings.LastIndexByte(expr, '@')
	if i < 0 || !isAttrName(expr[i+1:]) {
		return -1
	}
	depth, quote := 0, byte(0)
	for j := 0; j < i; j++ {
		c := expr[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		}
	}
	if depth != 0 || quote != 0 {
		return -1
	}
	return i
}

// isAttrName reports whether s is an XML attribute name (ASCII subset).
func isAttrName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' ||
			i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.')
		if !ok {
			return false
		}
	}
	return true
}
