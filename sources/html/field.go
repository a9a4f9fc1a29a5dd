package html

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/tributaryfeeds/tributary/config"
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
	css, attr := config.SplitSelector(expr)
	f.attr = strings.ToLower(attr)
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
