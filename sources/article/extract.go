package article

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tributaryfeeds/tributary/sources"
)

// Extract finds the main article of an HTML page and returns its body as
// HTML, without navigation, sidebars, comments, share widgets and footers,
// nor a leading heading that repeats the headline, together with the
// metadata the page declares. pageURL, when absolute, resolves relative
// links in the body.
func Extract(ctx context.Context, page []byte, pageURL string) (*Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), err)
	}
	return extractDoc(doc, pageURL, nil, time.Time{})
}

// extractDoc reads what doc declares, then extracts its body; the
// declared metadata wins over readability's guesses. Dates without a zone
// are read in loc; relative dates count back from now (see meta.merge).
func extractDoc(doc *html.Node, pageURL string, loc *time.Location, now time.Time) (*Article, error) {
	// readability changes the tree, so the metadata comes first.
	m := readMeta(doc)
	a, body, err := extractBody(doc, pageURL)
	if err != nil {
		return nil, err
	}
	m.merge(a, loc, now)
	if err := a.setBody(body, pageURL); err != nil {
		return nil, err
	}
	return a, nil
}

// Metadata returns what the page doc declares about its article (title,
// date, authors, publisher, categories, canonical link) from JSON-LD,
// OpenGraph and meta tags, without extracting the body. Dates without a
// zone are read in loc; relative dates count back from now and are skipped
// when now is zero.
func Metadata(doc *html.Node, loc *time.Location, now time.Time) *Article {
	a := &Article{}
	readMeta(doc).merge(a, loc, now)
	return a
}

// extractBody runs readability over doc and returns the article's body
// node, which setBody renders once the headline is known.
func extractBody(doc *html.Node, pageURL string) (*Article, *html.Node, error) {
	var base *url.URL
	if u, err := url.Parse(pageURL); err == nil && u.IsAbs() {
		base = u
	}
	p := readability.NewParser()
	ra, err := p.ParseDocument(doc, base)
	if err != nil {
		return nil, nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), err)
	}
	if ra.Node == nil {
		return nil, nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), ErrNoArticle)
	}
	by := dropBylines(ra.Node)
	a := &Article{
		Title:     strings.TrimSpace(ra.Title()),
		Publisher: strings.TrimSpace(ra.SiteName()),
	}
	if t, err := ra.PublishedTime(); err == nil {
		a.Published = t.UTC()
	}
	if name := strings.TrimSpace(ra.Byline()); name != "" {
		a.Authors = parseAuthors(name)
	}
	if len(a.Authors) == 0 {
		a.Authors = by.authors
	}
	if a.Published.IsZero() && by.date.Year() > 1900 {
		a.Published = by.date
	}
	a.Place = by.place
	return a, ra.Node, nil
}

// setBody sets a.HTML and a.Paragraphs from body, without readability's
// page wrapper and without a leading heading that repeats a.Title.
func (a *Article) setBody(body *html.Node, pageURL string) error {
	DropHeading(body, a.Title)
	var buf strings.Builder
	for _, n := range pageContent(body) {
		if err := html.Render(&buf, n); err != nil {
			return fmt.Errorf("extract %s: render: %w", sources.Redact(pageURL), err)
		}
	}
	a.HTML = strings.TrimSpace(buf.String())
	a.Paragraphs = htmlParagraphs(body)
	return nil
}

// pageContent returns the nodes to render for body: the children of
// readability's <div id="readability-page-1" class="page"> wrapper, which
// means nothing to a reader, else body itself.
func pageContent(body *html.Node) []*html.Node {
	page := body
	if !isReadabilityPage(page) {
		// The wrapper may also sit as the only element inside body.
		page = nil
		for c := body.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if page != nil || !isReadabilityPage(c) {
					return []*html.Node{body}
				}
				page = c
			}
		}
		if page == nil {
			return []*html.Node{body}
		}
	}
	var out []*html.Node
	for c := page.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

func isReadabilityPage(n *html.Node) bool {
	return n.Type == html.ElementNode && tagOf(n) == atom.Div && strings.HasPrefix(attr(n, "id"), "readability-page-")
}

// tagOf is n's element type. readability creates and renames elements
// without setting DataAtom, so it is looked up from the name.
func tagOf(n *html.Node) atom.Atom {
	if n.DataAtom != 0 && n.DataAtom.String() == n.Data {
		return n.DataAtom
	}
	return atom.Lookup([]byte(strings.ToLower(n.Data)))
}

// DropHeading removes the heading (h1 to h6) that opens the body under
// root, before any other text or image, when its text equals one of titles,
// ignoring case and white space: feeds show the title above the body
// already. It reports whether it removed one.
func DropHeading(root *html.Node, titles ...string) bool {
	h := leadingHeading(root)
	if h == nil {
		return false
	}
	text := collapse(textOf(h))
	for _, t := range titles {
		if t = collapse(t); t != "" && strings.EqualFold(text, t) {
			h.Parent.RemoveChild(h)
			return true
		}
	}
	return false
}

// leadingHeading returns the first heading under n when no text, image or
// embedded media comes before it, else nil.
func leadingHeading(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
			continue
		case html.ElementNode:
		default:
			continue
		}
		switch a := tagOf(c); {
		case a == atom.H1, a == atom.H2, a == atom.H3, a == atom.H4, a == atom.H5, a == atom.H6:
			return c
		case isMedia(a):
			return nil
		}
		if h := leadingHeading(c); h != nil {
			return h
		}
		if strings.TrimSpace(textOf(c)) != "" || hasMedia(c) {
			return nil
		}
	}
	return nil
}

func hasMedia(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (isMedia(tagOf(c)) || hasMedia(c)) {
			return true
		}
	}
	return false
}

// isMedia reports the elements that show something without text.
func isMedia(a atom.Atom) bool {
	switch a {
	case atom.Img, atom.Picture, atom.Video, atom.Audio, atom.Iframe, atom.Svg, atom.Object, atom.Embed:
		return true
	}
	return false
}

// dropBylines removes the byline and dateline paragraphs that open an
// article body, and returns what they said.
func dropBylines(root *html.Node) dateline {
	var d dateline
	for range 3 {
		p := firstElement(root, atom.P)
		if p == nil {
			break
		}
		cls := strings.ToLower(attr(p, "class"))
		line := parseDateline(collapse(textOf(p)), nil, time.Time{}, "")
		if !line.ok && !strings.Contains(cls, "byline") && !strings.Contains(cls, "dateline") {
			break
		}
		d.merge(line)
		p.Parent.RemoveChild(p)
	}
	return d
}

// firstElement returns the first element of type a under n, depth first.
func firstElement(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && tagOf(c) == a {
			return c
		}
		if f := firstElement(c, a); f != nil {
			return f
		}
	}
	return nil
}
