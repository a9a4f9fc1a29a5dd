package feed

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/tributaryfeeds/tributary/sources"
)

// maxTTL caps an RSS <ttl> so a typo cannot silence a feed for weeks.
const maxTTL = 24 * time.Hour

// Parsed is a feed after parsing and normalisation.
type Parsed struct {
	// Title is the feed's title as plain text.
	Title string
	// Link is the feed's site (absolute), else empty.
	Link  string
	Items []sources.Item
	// TTL is the RSS <ttl>, capped at a day; zero when absent.
	TTL time.Duration
	// Warnings are what was read around: a repaired document, fields of
	// the wrong type, items that could not be read.
	Warnings []string
}

// Parse parses a feed body (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed
// 1.0/1.1) fetched from feedURL and normalises its items. contentType is the
// HTTP Content-Type, whose charset applies when the body does not declare
// its own encoding. Item dates are taken as they are; Source.Fetch also
// drops dates too far in the future (see sources.CheckDate).
func Parse(body []byte, contentType, feedURL string) (*Parsed, error) {
	return parse(context.Background(), body, contentType, feedURL, time.Time{})
}

// parse is Parse checking item dates against now (a zero now checks
// nothing) and stopping when ctx is done.
func parse(ctx context.Context, body []byte, contentType, feedURL string, now time.Time) (*Parsed, error) {
	fail := func(err error) (*Parsed, error) {
		return nil, fmt.Errorf("parse feed %s: %w", sources.Redact(feedURL), err)
	}
	body, err := toUTF8(body, contentType)
	if err != nil {
		return fail(err)
	}
	var (
		f        *gofeed.Feed
		sc       *scanned
		warnings []string
	)
	if isJSON(body) {
		f, warnings, err = parseJSON(ctx, body)
	} else {
		f, sc, warnings, err = parseXML(ctx, cleanXML(body, "utf-8"))
	}
	if err != nil {
		return fail(err)
	}
	base, err := url.Parse(feedURL)
	if err != nil {
		base = nil // links resolve only when absolute
	}
	site := sources.ResolveURL(base, f.Link)
	if u, err := url.Parse(site); site != "" && err == nil {
		base = u
	}
	p := &Parsed{Title: sources.PlainText(f.Title), Link: site, Warnings: warnings}
	extras := make([]extra, len(f.Items))
	for i := range extras {
		extras[i].kind = f.FeedType
		if sc != nil && len(sc.titleTypes) == len(f.Items) {
			extras[i].titleType = sc.titleTypes[i]
		}
	}
	switch orig := f.OriginalFeed().(type) {
	case *rss.Feed:
		p.TTL = parseTTL(orig.TTL)
		if len(orig.Items) == len(f.Items) {
			for i := range extras {
				extras[i].rss = orig.Items[i]
			}
		}
	case *atom.Feed:
		if len(orig.Entries) == len(f.Items) {
			for i := range extras {
				extras[i].atom = orig.Entries[i]
			}
		}
	case *jsonfeed.Feed:
		escapeJSONText(f.Items, orig.Items)
	}
	p.Items = normalizeItems(f.Items, extras, base, feedAuthors(f), now)
	if o := feedOrigin(f, feedURL, site); o != nil {
		for i := range p.Items {
			p.Items[i].Origin = o // shared: never modified after parsing
		}
	}
	return p, nil
}

// parseXML parses an XML feed after a streaming pre-pass that bounds its
// nesting and counts its items. A document gofeed rejects, or reads fewer
// items from than it has, is parsed again as the pre-pass repaired it (see
// scanXML), with a warning. A document whose items all fail to parse is an
// error, never an empty success.
func parseXML(ctx context.Context, body []byte) (*gofeed.Feed, *scanned, []string, error) {
	sc, err := scanXML(ctx, body)
	if err != nil {
		return nil, nil, nil, err
	}
	var warnings []string
	f, err := parseGofeed(ctx, body)
	if (err != nil || len(f.Items) < sc.items) && sc.repaired != nil && ctx.Err() == nil {
		f2, err2 := parseGofeed(ctx, sc.repaired)
		if err2 == nil && (err != nil || len(f2.Items) > len(f.Items)) {
			f, err = f2, nil
			problems := sc.problems
			if len(problems) > 3 {
				problems = append(problems[:3:3], fmt.Sprintf("%d more", len(sc.problems)-3))
			}
			warnings = append(warnings, "ill-formed XML, read as repaired: "+strings.Join(problems, "; "))
			if sc2, err := scanXML(ctx, sc.repaired); err == nil {
				sc = sc2
			}
		}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	switch n := len(f.Items); {
	case n == 0 && sc.items > 0:
		return nil, nil, nil, fmt.Errorf("the document has %d items but none could be read", sc.items)
	case n < sc.items:
		warnings = append(warnings, fmt.Sprintf("%d of %d items could not be read", sc.items-n, sc.items))
	}
	return f, sc, warnings, nil
}

// parseGofeed runs gofeed, stopping when ctx is done.
func parseGofeed(ctx context.Context, body []byte) (*gofeed.Feed, error) {
	fp := gofeed.NewParser()
	// The content image scan parses every item's HTML once more; the feeds
	// package does not need the guess.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	fp.KeepOriginalFeed = true // for <ttl>, GUID permalinks, Atom links
	f, err := fp.Parse(ctxReader{ctx, bytes.NewReader(body)})
	if err == nil && f == nil {
		err = fmt.Errorf("no feed")
	}
	return f, err
}

// ctxReader fails reads once ctx is done, so a parse stops at the fetch
// deadline.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, fmt.Errorf("parse stopped: %w", err)
	}
	return r.r.Read(p)
}

// escapeJSONText turns JSON Feed's plain-text fields into HTML: gofeed
// copies content_text into Content, which we treat as HTML, and summary is
// plain text by the JSON Feed spec.
func escapeJSONText(items []*gofeed.Item, orig []*jsonfeed.Item) {
	if len(items) != len(orig) {
		return // not a one-to-one translation; leave gofeed's mapping
	}
	for i, ji := range orig {
		gi := items[i]
		if gi == nil || ji == nil {
			continue
		}
		if ji.ContentHTML == "" {
			gi.Content = textToHTML(ji.ContentText)
		}
		gi.Description = textToHTML(ji.Summary)
	}
}

// textToHTML escapes plain text and keeps its line breaks.
func textToHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>\n")
}

// feedAuthors are credited on items that name no author, as RFC 4287
// does for Atom entries.
func feedAuthors(f *gofeed.Feed) []*gofeed.Person {
	if len(f.Authors) > 0 {
		return f.Authors
	}
	if f.Author != nil {
		return []*gofeed.Person{f.Author}
	}
	return nil
}

func parseTTL(s string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0
	}
	if n > int(maxTTL/time.Minute) {
		return maxTTL
	}
	return time.Duration(n) * time.Minute
}
