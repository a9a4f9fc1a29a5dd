package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/antchfx/xpath"
	"github.com/theory/jsonpath"
)

// Selector is one compiled select field. For kind html, "sel" reads an
// element's text, "sel@attr" an attribute of it, "@attr" an attribute of
// the item itself, and "xpath:EXPR" is XPath 1.0 ("xpath:EXPR/@href" reads
// an attribute). For kind json it is an RFC 9535 JSONPath. It is compiled
// once, by Parse; the sources read pages with it.
type Selector struct {
	// Expr is the field as written, for messages.
	Expr string
	// CSS finds the element; nil for a bare "@attr" and for XPath.
	CSS cascadia.Selector
	// XPath is the compiled expression of an "xpath:" selector.
	XPath *xpath.Expr
	// JSON is the compiled JSONPath of a json source's field.
	JSON *jsonpath.Path
	// Attr is the attribute to read, lower-cased; empty reads the text.
	Attr string
}

// Selectors is a compiled Select: the item selector and each field's.
// Fields left out of the configuration are nil.
type Selectors struct {
	// Item finds the items: select.item (html) or select.items (json).
	Item                                      *Selector
	Title, Link, Date, Summary, Author, Image *Selector
	// ID, Content and Categories are for kind json.
	ID, Content, Categories *Selector
}

// Named returns the configured selectors with their select.NAME, item
// first, for messages and match counts.
func (s *Selectors) Named() []NamedSelector {
	var out []NamedSelector
	for _, f := range (Select{}).fields("", s) {
		if *f.dst != nil && f.name != "items" { // item and items share s.Item
			out = append(out, NamedSelector{Name: f.name, Selector: *f.dst})
		}
	}
	return out
}

// NamedSelector is a selector with its name in select.
type NamedSelector struct {
	Name string
	*Selector
}

// CompileSelect compiles every field of an html source's select, naming
// the first bad one ("select.title ..."). item, title and link are
// required. Parse uses it, and so can tests of the html source.
func CompileSelect(sel Select) (*Selectors, error) {
	return compileSelect(KindHTML, sel)
}

// CompileJSONSelect compiles the JSONPaths of a json source's select:
// items and title are required.
func CompileJSONSelect(sel Select) (*Selectors, error) {
	return compileSelect(KindJSON, sel)
}

func compileSelect(kind string, sel Select) (*Selectors, error) {
	var out Selectors
	for _, f := range sel.fields(kind, &out) {
		if strings.TrimSpace(f.expr) == "" {
			if f.required {
				return nil, fmt.Errorf("select.%s: required", f.name)
			}
			continue
		}
		if f.other {
			return nil, fmt.Errorf("select.%s: not for kind %s", f.name, kind)
		}
		s, err := compileField(kind, f.expr, f.name == "item" || f.name == "items")
		if err != nil {
			return nil, fmt.Errorf("select.%s: %w", f.name, err)
		}
		*f.dst = s
	}
	return &out, nil
}

// compileField compiles one select field of a source of kind.
func compileField(kind, expr string, plain bool) (*Selector, error) {
	if kind == KindJSON {
		return compileJSONPath(expr)
	}
	return compileSelector(expr, plain)
}

// compileJSONPath compiles an RFC 9535 JSONPath.
func compileJSONPath(expr string) (*Selector, error) {
	expr = strings.TrimSpace(expr)
	p, err := jsonpath.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid JSONPath %q: %w", expr, err)
	}
	return &Selector{Expr: expr, JSON: p}, nil
}

// xpathAttr matches a trailing "/@name" step: "xpath:EXPR/@href" reads
// the href attribute of what EXPR selects, as "sel@href" does.
var xpathAttr = regexp.MustCompile(`^(.*?)/?@([A-Za-z_][-A-Za-z0-9_.:]*)$`)

// compileXPath compiles the expression of an "xpath:" selector; plain
// forbids the attribute form.
func compileXPath(expr, full string, plain bool) (sel *Selector, err error) {
	defer func() {
		// antchfx/xpath has panicked on malformed input before.
		if r := recover(); r != nil {
			sel, err = nil, fmt.Errorf("invalid XPath %q", expr)
		}
	}()
	expr = strings.TrimSpace(expr)
	sel = &Selector{Expr: full}
	if m := xpathAttr.FindStringSubmatch(expr); m != nil {
		if plain {
			return nil, fmt.Errorf("%q: must select elements, not an attribute", full)
		}
		expr, sel.Attr = m[1], strings.ToLower(m[2])
		if expr == "" || expr == "." {
			return sel, nil // an attribute of the item itself
		}
	}
	if expr == "" {
		return nil, fmt.Errorf("%q: empty XPath", full)
	}
	x, err := xpath.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid XPath %q: %w", expr, err)
	}
	sel.XPath = x
	return sel, nil
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
	// other marks a field of the other kind (html's item in a json select).
	other bool
	dst   **Selector
}

// fields lists the fields of sel for a source of kind (every field when
// kind is empty), each with where its compiled selector goes in out.
func (sel Select) fields(kind string, out *Selectors) []selectField {
	html, json := kind == KindHTML, kind == KindJSON
	return []selectField{
		{name: "item", expr: sel.Item, required: html, other: json, dst: &out.Item},
		{name: "items", expr: sel.Items, required: json, other: html, dst: &out.Item},
		{name: "title", expr: sel.Title, required: html || json, dst: &out.Title},
		{name: "link", expr: sel.Link, required: html, dst: &out.Link},
		{name: "id", expr: sel.ID, other: html, dst: &out.ID},
		{name: "date", expr: sel.Date, dst: &out.Date},
		{name: "summary", expr: sel.Summary, dst: &out.Summary},
		{name: "content", expr: sel.Content, other: html, dst: &out.Content},
		{name: "author", expr: sel.Author, dst: &out.Author},
		{name: "image", expr: sel.Image, dst: &out.Image},
		{name: "categories", expr: sel.Categories, other: html, dst: &out.Categories},
	}
}

// compileSelector compiles expr, a "sel", "sel@attr", "@attr" or
// "xpath:EXPR" field of an html source's select. plain forbids the @attr form (select.item must
// find elements, not read a value).
func compileSelector(expr string, plain bool) (*Selector, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, fmt.Errorf("%q: empty selector", expr)
	}
	if x, ok := strings.CutPrefix(expr, "xpath:"); ok {
		return compileXPath(x, expr, plain)
	}
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
