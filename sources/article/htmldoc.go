package article

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDocument bounds what ParseHTML, ParseText and ParseMarkdown read.
const maxDocument = 16 << 20

// ParseHTML reads an article page: metadata from JSON-LD (NewsArticle,
// Article and kin, also inside @graph), OpenGraph and article:* meta tags,
// <meta name=author>, <time datetime> and <link rel=canonical>; the body
// comes from Extract. Dates without a zone are read in loc.
func ParseHTML(ctx context.Context, r io.Reader, pageURL string, loc *time.Location, now time.Time) (*Article, error) {
	page, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("read html: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	a, err := extractDoc(doc, pageURL, loc, now)
	if err != nil {
		return nil, err
	}
	a.Paragraphs = dropTitle(a.Paragraphs, a.Title)
	if a.Title == "" || len(a.Paragraphs) == 0 {
		return a, ErrNoArticle
	}
	return a, nil
}

// htmlParagraphs returns the plain text of each paragraph under n, or of
// its lines when it has no <p>.
func htmlParagraphs(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch tagOf(n) {
			case atom.P, atom.Pre, atom.Li:
				if t := collapse(textOf(n)); t != "" {
					out = append(out, t)
				}
				return
			case atom.Script, atom.Style, atom.Noscript:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if len(out) == 0 {
		for _, l := range strings.Split(textOf(n), "\n") {
			if l = collapse(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// dropTitle removes a leading paragraph that repeats the headline.
func dropTitle(ps []string, title string) []string {
	if len(ps) > 0 && strings.EqualFold(ps[0], title) {
		return ps[1:]
	}
	return ps
}
