package html

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	stdhtml "html"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
)

// Parse extracts the items of a listing page with the compiled selectors
// sel (see config.CompileSelect). pageURL is the page's absolute URL; links
// resolve against it, or against the page's <base href>. Dates without a
// zone are read in loc; relative dates ("3 hours ago") count back from now.
// Problems with single items are returned as warnings; a selector that finds
// nothing at all is an error, so a changed page layout is never mistaken
// for an empty listing.
func Parse(page []byte, pageURL string, sel *config.Selectors, loc *time.Location, now time.Time) ([]sources.Item, []string, error) {
	if !usable(sel) {
		return nil, nil, errors.New("select: item, title and link are required")
	}
	if loc == nil {
		loc = time.UTC
	}
	return parse(sel, page, pageURL, loc, now)
}

func parse(s *config.Selectors, page []byte, pageURL string, loc *time.Location, now time.Time) ([]sources.Item, []string, error) {
	items, warnings, _, err := parseMatches(s, page, pageURL, loc, now)
	return items, warnings, err
}

// usable reports whether sel has what a listing needs: an item selector
// that finds elements, a title and a link (config.CompileSelect checks it).
func usable(sel *config.Selectors) bool {
	return sel != nil && sel.Item != nil && (sel.Item.CSS != nil || sel.Item.XPath != nil) && sel.Title != nil && sel.Link != nil
}

// parseMatches is parse that also counts, per selector, the item elements
// it matches in, for the fetch history.
func parseMatches(s *config.Selectors, page []byte, pageURL string, loc *time.Location, now time.Time) ([]sources.Item, []string, []sources.Match, error) {
	pg, err := parsePage(s, nil, page, pageURL, loc, now)
	return pg.Items, pg.Warnings, pg.Matches, err
}

// parsePage parses one listing page: its items, warnings, per-selector
// match counts and, when next is set, the absolute URL of the next page.
func parsePage(s *config.Selectors, next *config.Selector, page []byte, pageURL string, loc *time.Location, now time.Time) (sources.Page, error) {
	u, err := url.Parse(pageURL)
	if err != nil || !sources.IsWebURL(u) {
		return sources.Page{}, fmt.Errorf("page URL %q: not an absolute http(s) URL", sources.Redact(pageURL))
	}
	// Messages may reach the public status page: no secrets from the URL.
	where := sources.Redact(pageURL)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return sources.Page{}, fmt.Errorf("parse %s: %w", where, err)
	}
	els := selectAll(doc, s.Item)
	if els.Length() == 0 {
		return sources.Page{URL: pageURL, Matches: []sources.Match{{Selector: "item"}}},
			fmt.Errorf("select.item %q matched nothing on %s", s.Item.Expr, where)
	}
	p := &pageParse{sel: s, base: BaseURL(doc, u), loc: loc, now: now, seen: map[string]bool{}, found: map[*config.Selector]bool{}}
	els.Each(func(i int, el *goquery.Selection) { p.item(i, el) })
	for _, f := range []struct {
		name string
		sel  *config.Selector
	}{{"title", s.Title}, {"link", s.Link}} {
		if !p.found[f.sel] {
			return sources.Page{URL: pageURL, Matches: matches(s, els)}, fmt.Errorf("select.%s %q matched nothing in any of the %d items on %s",
				f.name, f.sel.Expr, els.Length(), where)
		}
	}
	pg := sources.Page{URL: pageURL, Items: p.items, Warnings: p.List(), Matches: matches(s, els)}
	if next != nil {
		pg.Next = nextURL(doc, next, p.base)
		n := 0
		if pg.Next != "" {
			n = 1
		}
		pg.Matches = append(pg.Matches, sources.Match{Selector: "next", Count: n})
	}
	return pg, nil
}

// selectAll returns the elements sel finds in the whole document.
func selectAll(doc *goquery.Document, sel *config.Selector) *goquery.Selection {
	if sel.XPath != nil {
		return doc.FindNodes(xpathElements(doc.Nodes[0], sel.XPath, 0)...)
	}
	return doc.FindMatcher(sel.CSS)
}

// nextURL reads the next page's URL: the selected attribute, else the
// href of the first element the selector finds, else its text; resolved
// against base. Empty when there is none.
func nextURL(doc *goquery.Document, next *config.Selector, base *url.URL) string {
	var el *goquery.Selection
	switch {
	case next.CSS != nil || next.XPath != nil:
		el = selectAll(doc, next).First()
	default:
		return "" // "@attr" alone has no element to read on a page
	}
	if el.Length() == 0 {
		return ""
	}
	raw, ok := "", false
	if next.Attr != "" {
		raw, ok = el.Attr(next.Attr)
	} else if raw, ok = el.Attr("href"); !ok {
		raw, ok = collapse(el.Text()), true
	}
	if !ok || strings.TrimSpace(raw) == "" {
		return ""
	}
	return sources.ResolveURL(base, raw)
}

// matches counts, for item, the item elements on the page and, for each
// configured field, the item elements it matches in: counted apart from
// parsing, so that skipped or repeated items do not blur the figures.
func matches(s *config.Selectors, els *goquery.Selection) []sources.Match {
	out := []sources.Match{{Selector: "item", Count: els.Length()}}
	for _, f := range []struct {
		name string
		sel  *config.Selector
	}{{"title", s.Title}, {"link", s.Link}, {"date", s.Date}, {"summary", s.Summary}, {"author", s.Author}, {"image", s.Image}} {
		if f.sel == nil {
			continue
		}
		n := 0
		els.Each(func(_ int, el *goquery.Selection) {
			if _, ok := find(f.sel, el); ok {
				n++
			}
		})
		out = append(out, sources.Match{Selector: f.name, Count: n})
	}
	return out
}

// pageParse accumulates the outcome of one page.
type pageParse struct {
	sel   *config.Selectors
	base  *url.URL
	loc   *time.Location
	now   time.Time
	items []sources.Item
	seen  map[string]bool           // item IDs, so an article listed twice is kept once
	found map[*config.Selector]bool // fields that matched in at least one item
	sources.Warnings
}

// text reads f in el and records whether it matched.
func (p *pageParse) text(f *config.Selector, el *goquery.Selection) string {
	if f == nil {
		return ""
	}
	v, ok := text(f, el)
	if ok {
		p.found[f] = true
	}
	return v
}

func (p *pageParse) item(i int, el *goquery.Selection) {
	it := sources.Item{
		Title: p.text(p.sel.Title, el),
		Link:  p.link(el),
	}
	if it.Title == "" && it.Link == "" {
		p.Add("item %d: no title and no link, skipped", i+1)
		return
	}
	it.ID = it.Link
	if it.ID == "" {
		it.ID = titleID(it.Title)
	}
	if p.seen[it.ID] {
		return
	}
	p.seen[it.ID] = true
	it.Published = sources.CheckDate(p.date(el, label(i, it)), p.now)
	it.Summary = p.summary(el)
	if it.Title == "" {
		it.Title = sources.TitleFromText(it.Summary)
	}
	if byline := p.text(p.sel.Author, el); byline != "" {
		// "By Anna Berg |" names Anna Berg.
		it.Authors = article.ParseByline(byline)
	}
	it.Image = p.image(el)
	p.items = append(p.items, it)
}

// label names an item in warnings.
func label(i int, it sources.Item) string {
	if it.Title != "" {
		return fmt.Sprintf("item %d (%q)", i+1, it.Title)
	}
	return fmt.Sprintf("item %d (%s)", i+1, sources.Redact(it.Link))
}

// titleID is the ID of an item without a link: stable as long as its title is.
func titleID(title string) string {
	sum := sha256.Sum256([]byte(title))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// link reads the item's link, resolved against the page.
func (p *pageParse) link(el *goquery.Selection) string {
	return sources.ResolveURL(p.base, p.text(p.sel.Link, el))
}

// date parses the item's date. A <time datetime> element is read by its
// machine-readable attribute first.
func (p *pageParse) date(el *goquery.Selection, who string) time.Time {
	f := p.sel.Date
	if f == nil {
		return time.Time{}
	}
	if f.Attr == "" {
		if t, ok := p.datetime(f, el); ok {
			return t
		}
	}
	s := p.text(f, el)
	if s == "" {
		return time.Time{}
	}
	t, err := article.ParseDate(s, p.loc, p.now)
	if err != nil {
		p.Add("%s: date %q not understood, using the time it was first seen", who, s)
		return time.Time{}
	}
	return t
}

// datetime reads the datetime attribute of a <time> element that the date
// selector matched or that lies inside it: it is machine-readable where the
// text often says only "Monday".
func (p *pageParse) datetime(f *config.Selector, el *goquery.Selection) (time.Time, bool) {
	d, ok := find(f, el)
	if !ok {
		return time.Time{}, false
	}
	dt, ok := d.Filter("time[datetime]").AddSelection(d.Find("time[datetime]")).First().Attr("datetime")
	if !ok {
		return time.Time{}, false
	}
	t, err := article.ParseDate(dt, p.loc, p.now)
	return t, err == nil
}

// summary is the inner HTML of the summary element, links made absolute, or
// an attribute's text escaped as HTML.
func (p *pageParse) summary(el *goquery.Selection) string {
	f := p.sel.Summary
	if f == nil {
		return ""
	}
	if f.Attr != "" {
		return stdhtml.EscapeString(p.text(f, el))
	}
	s, ok := find(f, el)
	if !ok {
		return ""
	}
	p.found[f] = true
	Absolutize(s, p.base)
	h, err := s.Html()
	if err != nil {
		return stdhtml.EscapeString(collapse(s.Text()))
	}
	return strings.TrimSpace(h)
}

// image reads the image URL: the configured attribute, else the src of the
// selected element.
func (p *pageParse) image(el *goquery.Selection) string {
	f := p.sel.Image
	if f == nil {
		return ""
	}
	if f.Attr != "" {
		return sources.ResolveURL(p.base, p.text(f, el))
	}
	img, ok := find(f, el)
	if !ok {
		return ""
	}
	src, _ := img.Attr("src")
	return sources.ResolveURL(p.base, src)
}
