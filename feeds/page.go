package feeds

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tributaryfeeds/tributary/sources"
)

// pageSummaryLen bounds a page entry's summary, in bytes: the page is a
// list to scan, the article is one click away.
const pageSummaryLen = 400

// Page is a feed's latest render as its HTML page shows it: built with the
// feed formats, so the page lists exactly what a feed reader gets.
type Page struct {
	Info    Info
	Entries []PageEntry
	// LastModified is the feed's Last-Modified.
	LastModified time.Time

	tag string // the Atom validators' tag it was built for
}

// PageEntry is one item of a Page. Every string is plain text or an
// absolute http(s) URL; the server escapes them.
type PageEntry struct {
	Title   string
	Link    string // empty when the item has none
	Date    time.Time
	Source  string
	Author  string
	Summary string // plain text, shortened
	Image   string // the item's image, else the first image of its HTML
}

// newPage builds the page of es, the prepared entries of items.
func newPage(info Info, updated time.Time, items []sources.Item, es []entry) *Page {
	p := &Page{Info: info, LastModified: updated.UTC().Truncate(time.Second), Entries: make([]PageEntry, len(es))}
	for i := range es {
		e := &es[i]
		pe := PageEntry{Title: e.title, Link: e.link, Date: e.date, Source: items[i].Source, Image: e.image}
		if len(e.authors) > 0 {
			pe.Author = authorName(e.authors[0])
		}
		text := e.summary
		if strings.TrimSpace(text) == "" {
			text = e.content
		}
		pe.Summary = shorten(sources.PlainText(text), pageSummaryLen)
		if pe.Image == "" {
			// Sanitized HTML: its image URLs are absolute already.
			pe.Image = firstImage(e.content)
			if pe.Image == "" {
				pe.Image = firstImage(e.summary)
			}
		}
		if pe.Title == "" {
			pe.Title = sources.TitleFromText(text)
		}
		p.Entries[i] = pe
	}
	return p
}

// firstImage returns the src of the first <img> in fragment with an
// absolute http(s) URL, or "".
func firstImage(fragment string) string {
	if !strings.Contains(fragment, "<img") && !strings.Contains(fragment, "<IMG") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if atom.Lookup(name) != atom.Img {
				continue
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "src" {
					if u := string(v); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
						return u
					}
				}
			}
		}
	}
}

// shorten cuts s to at most n bytes at a word boundary, with an ellipsis.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:.") + "…"
}

// Page returns the feed's page, building it from the store unless the one
// in memory is current; nil and no error for an unknown slug.
func (p *Publisher) Page(ctx context.Context, slug string) (*Page, error) {
	fc := p.state.Load().bySlug[slug]
	if fc == nil {
		return nil, nil
	}
	if _, err := p.renderFeed(ctx, fc, nil, true); err != nil {
		return nil, err
	}
	e := fc.entry
	pg := e.page.Load()
	if len(e.cached()) == 0 {
		// Kept only beside renders in the bounded cache, so pages of
		// feeds nobody reads do not pile up.
		e.page.CompareAndSwap(pg, nil)
	}
	return pg, nil
}
