package html

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
)

// field is one compiled "sel@attr" expression of a Select.
type field struct {
	name string            // "title", "link", ... for messages
	expr string            // as configured
	sel  cascadia.Selector // nil for a bare "@attr"
	attr string            // empty: read the text (or inner HTML)
}

// compileField parses expr as "sel", "sel@attr" or "@attr". An empty expr
// yields a nil field: the value is not configured.
func compileField(name, expr string) (*field, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, nil
	}
	f := &field{name: name, expr: expr}
	css := expr
	if i := attrAt(expr); i >= 0 {
		css, f.attr = strings.TrimSpace(expr[:i]), strings.ToLower(expr[i+1:])
	}
	if css == "" {
		if f.attr == "" {
			return nil, fmt.Errorf("select.%s %q: empty selector", name, expr)
		}
		return f, nil
	}
	sel, err := cascadia.Compile(css)
	if err != nil {
		return nil, fmt.Errorf("select.%s %q: %w", name, expr, err)
	}
	f.sel = sel
	return f, nil
}

// attrAt returns the index of the '@' that introduces an attribute name, or
// -1. An '@' inside brackets or quotes (a[href*="@"]) belongs to the CSS.
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

// find returns the element the field reads inside item: the first match of
// its selector, or item itself for a bare "@attr". ok is false when there is
// no such element or it lacks the attribute.
func (f *field) find(item *goquery.Selection) (*goquery.Selection, bool) {
	el := item
	if f.sel != nil {
		// Not goquery.SingleMatcher: Find applies it per child, not once.
		el = item.FindMatcher(f.sel).First()
	}
	if el.Length() == 0 {
		return el, false
	}
	if f.attr != "" {
		_, ok := el.Attr(f.attr)
		return el, ok
	}
	return el, true
}

// text reads the field as plain text with collapsed white space.
func (f *field) text(item *goquery.Selection) (string, bool) {
	el, ok := f.find(item)
	if !ok {
		return "", false
	}
	if f.attr != "" {
		v, _ := el.Attr(f.attr)
		return collapse(v), true
	}
	return collapse(el.Text()), true
}

// collapse trims s and folds runs of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
