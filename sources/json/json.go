// Package json is the source for JSON APIs without a feed: the items are
// the objects an RFC 9535 JSONPath (select.items) yields, and each field is
// a JSONPath relative to its item.
package json

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	stdjson "encoding/json"
	"errors"
	"fmt"
	stdhtml "html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
	"github.com/tributaryfeeds/tributary/sources/html"
)

// Limits on what one page may make: an API listing has tens of items.
const (
	maxItems      = 1000
	maxCategories = 50
)

// Options configures a Source.
type Options struct {
	// URL is the first page of the API listing.
	URL string
	// Select holds the compiled JSONPaths (config.CompileJSONSelect).
	Select *config.Selectors
	// Next is the JSONPath of the next page's URL; Pages is how many pages
	// one fetch reads (0 or 1: only the first).
	Next  *config.Selector
	Pages int
	// Location is the zone of dates written without one; nil means UTC.
	Location *time.Location
	// Client fetches the pages.
	Client *sources.Client
	// Now returns the current time, for relative dates. Nil: time.Now.
	Now func() time.Time
}

// Source reads the items of a JSON API.
type Source struct {
	url    string
	sel    *config.Selectors
	next   *config.Selector
	pages  int
	loc    *time.Location
	client *sources.Client
	now    func() time.Time
}

var _ sources.Source = (*Source)(nil)

// New returns a Source for opts.
func New(opts Options) (*Source, error) {
	switch {
	case opts.URL == "":
		return nil, errors.New("json source: url is required")
	case opts.Client == nil:
		return nil, errors.New("json source: client is required")
	case !usable(opts.Select):
		return nil, errors.New("json source: select needs items and title JSONPaths")
	}
	s := &Source{url: opts.URL, sel: opts.Select, next: opts.Next, pages: max(opts.Pages, 1),
		loc: opts.Location, client: opts.Client, now: opts.Now}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

func usable(sel *config.Selectors) bool {
	return sel != nil && sel.Item != nil && sel.Item.JSON != nil && sel.Title != nil && sel.Title.JSON != nil
}

// Fetch reads the first page with a conditional GET, then up to pages-1
// more through next. A 304 yields a Result with NotModified set.
func (s *Source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	return s.client.FetchPages(ctx, s.url, s.pages, req, s.parse)
}

func (s *Source) parse(resp *sources.Response) (sources.Page, error) {
	var next *config.Selector
	if s.pages > 1 {
		next = s.next
	}
	return Parse(resp.Body, resp.URL, s.sel, next, s.loc, s.now())
}

// Parse reads the items of one page of a JSON API. pageURL is the page's
// absolute URL; relative links resolve against it. A configured path that
// matches in none of the page's items is an error naming the path, so a
// changed API is never mistaken for items without that field.
func Parse(body []byte, pageURL string, sel *config.Selectors, next *config.Selector, loc *time.Location, now time.Time) (sources.Page, error) {
	if !usable(sel) {
		return sources.Page{}, errors.New("select needs items and title JSONPaths")
	}
	if loc == nil {
		loc = time.UTC
	}
	base, err := url.Parse(pageURL)
	if err != nil || !sources.IsWebURL(base) {
		return sources.Page{}, fmt.Errorf("page URL %q: not an absolute http(s) URL", sources.Redact(pageURL))
	}
	where := sources.Redact(pageURL)
	dec := stdjson.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // ids and epoch milliseconds stay exact
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return sources.Page{}, fmt.Errorf("parse %s: invalid JSON: %w", where, err)
	}
	nodes := sel.Item.JSON.Select(doc)
	if len(nodes) == 0 {
		return sources.Page{URL: pageURL, Matches: []sources.Match{{Selector: "items"}}},
			fmt.Errorf("select.items %q matched nothing on %s", sel.Item.Expr, where)
	}
	if len(nodes) > maxItems {
		nodes = nodes[:maxItems]
	}
	p := &pageParse{sel: sel, base: base, loc: loc, now: now, found: map[string]int{}, seen: map[string]bool{}}
	for i, n := range nodes {
		p.item(i, n)
	}
	pg := sources.Page{URL: pageURL, Items: p.items, Warnings: p.List()}
	pg.Matches = append(pg.Matches, sources.Match{Selector: "items", Count: len(nodes)})
	var broken []config.NamedSelector
	for _, f := range sel.Named() {
		if f.Selector == sel.Item {
			continue
		}
		n := p.found[f.Name]
		pg.Matches = append(pg.Matches, sources.Match{Selector: f.Name, Count: n})
		if n == 0 {
			broken = append(broken, f)
		}
	}
	if len(broken) > 0 {
		f := broken[0]
		return sources.Page{URL: pageURL, Matches: pg.Matches}, fmt.Errorf("select.%s %q matched nothing in any of the %d items on %s",
			f.Name, f.Expr, len(nodes), where)
	}
	if next != nil && next.JSON != nil {
		raw := ""
		if vals := next.JSON.Select(doc); len(vals) > 0 {
			raw = scalar(vals[0])
		}
		if raw != "" {
			pg.Next = sources.ResolveURL(base, raw)
		}
		c := 0
		if pg.Next != "" {
			c = 1
		}
		pg.Matches = append(pg.Matches, sources.Match{Selector: "next", Count: c})
	}
	return pg, nil
}

// pageParse accumulates the outcome of one page.
type pageParse struct {
	sel   *config.Selectors
	base  *url.URL
	loc   *time.Location
	now   time.Time
	items []sources.Item
	found map[string]int  // field name -> items it matched in
	seen  map[string]bool // item IDs, so an item listed twice is kept once
	sources.Warnings
}

// values selects field f (named name) in item and records a match.
func (p *pageParse) values(name string, f *config.Selector, item any) []any {
	if f == nil || f.JSON == nil {
		return nil
	}
	vals := f.JSON.Select(item)
	if len(vals) > 0 {
		p.found[name]++
	}
	return vals
}

// first is the first value of field f as text, "" when it has none.
func (p *pageParse) first(name string, f *config.Selector, item any) string {
	vals := p.values(name, f, item)
	if len(vals) == 0 {
		return ""
	}
	return scalar(vals[0])
}

func (p *pageParse) item(i int, node any) {
	s := p.sel
	it := sources.Item{
		Title: collapse(p.first("title", s.Title, node)),
		Link:  sources.ResolveURL(p.base, strings.TrimSpace(p.first("link", s.Link, node))),
	}
	id := strings.TrimSpace(p.first("id", s.ID, node))
	summary := p.first("summary", s.Summary, node)
	content := p.first("content", s.Content, node)
	rawDate := p.first("date", s.Date, node)
	image := p.first("image", s.Image, node)
	for _, v := range p.values("author", s.Author, node) {
		if name := collapse(scalar(v)); name != "" {
			it.Authors = append(it.Authors, sources.Author{Name: name})
		}
	}
	for _, v := range p.values("categories", s.Categories, node) {
		if c := collapse(scalar(v)); c != "" && len(it.Categories) < maxCategories {
			it.Categories = append(it.Categories, c)
		}
	}
	if it.Title == "" && it.Link == "" {
		p.Add("item %d: no title and no link, skipped", i+1)
		return
	}
	switch {
	case id != "":
		it.ID = id
	case it.Link != "":
		it.ID = it.Link
	default:
		sum := sha256.Sum256([]byte(it.Title))
		it.ID = "sha256:" + hex.EncodeToString(sum[:16])
	}
	if p.seen[it.ID] {
		return
	}
	p.seen[it.ID] = true
	it.Summary = p.fragment(summary)
	it.Content = p.fragment(content)
	if it.Title == "" {
		it.Title = sources.TitleFromText(it.Summary)
	}
	if rawDate != "" {
		t, err := parseDate(rawDate, p.loc, p.now)
		if err != nil {
			p.Add("item %d (%q): date %q not understood, using the time it was first seen", i+1, it.Title, truncate(rawDate, 64))
		}
		it.Published = sources.CheckDate(t, p.now)
	}
	if image != "" {
		it.Image = sources.ResolveURL(p.base, strings.TrimSpace(image))
	}
	p.items = append(p.items, it)
}

// fragment makes an HTML fragment's links absolute; text without markup is
// escaped into HTML.
func (p *pageParse) fragment(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return stdhtml.EscapeString(s)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return stdhtml.EscapeString(s)
	}
	body := doc.Find("body")
	html.Absolutize(body, p.base)
	out, err := body.Html()
	if err != nil {
		return stdhtml.EscapeString(s)
	}
	return strings.TrimSpace(out)
}

// parseDate reads Unix seconds or milliseconds (as a number or a string
// of digits), else any form article.ParseDate knows.
func parseDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && isNumber(s) {
		switch {
		case n >= 1e11 && n < 1e14: // milliseconds: 1973 to 5138
			return time.UnixMilli(int64(n)).UTC(), nil
		case n >= 1e8 && n < 1e11: // seconds: 1973 to 5138
			sec := int64(n)
			return time.Unix(sec, int64((n-float64(sec))*1e9)).UTC(), nil
		}
		return time.Time{}, fmt.Errorf("number %s is no Unix time", s)
	}
	return article.ParseDate(s, loc, now)
}

func isNumber(s string) bool {
	for i, r := range s {
		if (r < '0' || r > '9') && r != '.' && !(i == 0 && r == '-') {
			return false
		}
	}
	return s != ""
}

// scalar is a JSON value as text: strings as they are, numbers as
// written, booleans as true/false; null, objects and arrays as "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case stdjson.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
