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
// together with the metadata the page declares. pageURL, when absolute,
// resolves relative links in the body.
func Extract(ctx context.Context, page []byte, pageURL string) (*Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), err)
	}
	meta := readMeta(doc)
	a, err := extractBody(doc, pageURL)
	if err != nil {
		return nil, err
	}
	meta.merge(a, nil, time.Time{})
	return a, nil
}

// extractBody runs readability over doc. readability changes the tree it is
// given, so metadata must be read before.
func extractBody(doc *html.Node, pageURL string) (*Article, error) {
	var base *url.URL
	if u, err := url.Parse(pageURL); err == nil && u.IsAbs() {
		base = u
	}
	p := readability.NewParser()
	ra, err := p.ParseDocument(doc, base)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), err)
	}
	if ra.Node == nil {
		return nil, fmt.Errorf("extract %s: %w", sources.Redact(pageURL), ErrNoArticle)
	}
	by := dropBylines(ra.Node)
	var buf strings.Builder
	if err := ra.RenderHTML(&buf); err != nil {
		return nil, fmt.Errorf("extract %s: render: %w", sources.Redact(pageURL), err)
	}
	a := &Article{
		Title:      strings.TrimSpace(ra.Title()),
		Publisher:  strings.TrimSpace(ra.SiteName()),
		HTML:       buf.String(),
		Paragraphs: htmlParagraphs(ra.Node),
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
	return a, nil
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
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
		if f := firstElement(c, a); f != nil {
			return f
		}
	}
	return nil
}
