package config

import (
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
)

// Selector is one compiled select field: "sel" reads an element's text,
// "sel@attr" an attribute of it, "@attr" an attribute of the item itself.
// It is compiled once, by Parse; the html source reads pages with it.
type Selector struct {
	// Expr is the field as written, for messages.
	Expr string
	// CSS finds the element; nil for a bare "@attr".
	CSS cascadia.Selector
	// Attr is the attribute to read, lower-cased; empty reads the text.
	Attr string
}

// Selectors is a compiled Select: the item selector and each field's.
// Fields left out of the configuration are nil.
type Selectors struct {
	Item                                      *Selector
	Title, Link, Date, Summary, Author, Image *Selector
}

// CompileSelect compiles every field of an html source's select, naming
// the first bad one ("select.title ..."). item, title and link are
// required. Parse uses it, and so can tests of the html source.
func CompileSelect(sel Select) (*Selectors, error) {
	var out Selectors
	for _, f := range sel.fields(&out) {
		if strings.TrimSpace(f.expr) == "" {
			if f.required {
				return nil, fmt.Errorf("select.%s: required", f.name)
			}
			continue
		}
		s, err := compileSelector(f.expr, f.name == "item")
		if err != nil {
			return nil, fmt.Errorf("select.%s: %w", f.name, err)
		}
		*f.dst = s
	}
	return &out, nil
}

// CompileCSS compiles a plain CSS selector such as full_text's content.
// An empty expr yields nil: nothing is configured.
func CompileCSS(expr string) (*Selector, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, nil
	}
	sel, err := cascadia.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid CSS selector %q: %w", expr, err)
	}
	return &Selector{Expr: expr, CSS: sel}, nil
}

// selectField is one field of a Select, for validation and compilation.
type selectField struct {
	name, expr string
	required   bool
	dst        **Selector
}

// fields lists the fields of sel, each with where its compiled selector
// goes in out.
func (sel Select) fields(out *Selectors) []selectField {
	return []selectField{
		{"item", sel.Item, true, &out.Item}, {"title", sel.Title, true, &out.Title},
		{"link", sel.Link, true, &out.Link}, {"date", sel.Date, false, &out.Date},
		{"summary", sel.Summary, false, &out.Summary}, {"author", sel.Author, false, &out.Author},
		{"image", sel.Image, false, &out.Image},
	}
}

// compileSelector compiles expr, a "sel", "sel@attr" or "@attr" field of
// an html source's select. plain forbids the @attr form (select.item must
// find elements, not read a value).
func compileSelector(expr string, plain bool) (*Selector, error) {
	expr = strings.TrimSpace(expr)
	css, attr := SplitSelector(expr)
	switch {
	case attr == "" && strings.HasSuffix(expr, "@"):
		return nil, fmt.Errorf("%q: empty attribute name after @", expr)
	case plain && attr != "":
		return nil, fmt.Errorf("%q: must be a plain CSS selector, without @attr", expr)
	case css == "":
		if plain {
			return nil, fmt.Errorf("%q: empty selector", expr)
		}
		return &Selector{Expr: expr, Attr: strings.ToLower(attr)}, nil
	}
	sel, err := cascadia.Compile(css)
	if err != nil {
		return nil, fmt.Errorf("invalid CSS selector %q: %w", css, err)
	}
	return &Selector{Expr: expr, CSS: sel, Attr: strings.ToLower(attr)}, nil
}

// SplitSelector splits a select field, "sel", "sel@attr" or "@attr", into
// its CSS selector and attribute name (empty: read the text). An '@' inside
// brackets or quotes (a[href*="@"]) belongs to the CSS.
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
