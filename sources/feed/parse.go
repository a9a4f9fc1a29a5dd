package feed

import (
	"bytes"
	"fmt"
	"html"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

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
}

// Parse parses a feed body (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed
// 1.0/1.1) fetched from feedURL and normalises its items. contentType is the
// HTTP Content-Type, whose charset applies when the body does not declare
// its own encoding. Item dates are taken as they are; Source.Fetch also
// drops dates too far in the future (see sources.CheckDate).
func Parse(body []byte, contentType, feedURL string) (*Parsed, error) {
	return parse(body, contentType, feedURL, time.Time{})
}

// parse is Parse checking item dates against now; a zero now checks nothing.
func parse(body []byte, contentType, feedURL string, now time.Time) (*Parsed, error) {
	body, err := toUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("parse feed %s: %w", sources.Redact(feedURL), err)
	}
	if !isJSON(body) {
		body = cleanXML(body, xmlDeclEncoding(body))
	}
	fp := gofeed.NewParser()
	// The content image scan parses every item's HTML once more; the feeds
	// package does not need the guess.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	fp.KeepOriginalFeed = true // for <ttl>
	f, err := fp.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse feed %s: %w", sources.Redact(feedURL), err)
	}
	base, err := url.Parse(feedURL)
	if err != nil {
		base = nil // links resolve only when absolute
	}
	site := sources.ResolveURL(base, f.Link)
	if u, err := url.Parse(site); site != "" && err == nil {
		base = u
	}
	p := &Parsed{Title: sources.PlainText(f.Title), Link: site}
	switch orig := f.OriginalFeed().(type) {
	case *rss.Feed:
		p.TTL = parseTTL(orig.TTL)
	case *jsonfeed.Feed:
		escapeJSONText(f.Items, orig.Items)
	}
	p.Items = normalizeItems(f.Items, base, feedAuthors(f), now)
	return p, nil
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

// toUTF8 converts a body that does not declare its encoding (JSON, or XML
// without encoding="...") using the Content-Type charset. gofeed already
// honours an XML declaration, and the declaration is the more reliable of
// the two because it travels with the file. A body that declares nothing and
// is not valid UTF-8 is read as windows-1252, as browsers do.
func toUTF8(body []byte, contentType string) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if xmlDeclEncoding(body) != "" {
		return body, nil
	}
	label := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		label = params["charset"]
	}
	if label == "" {
		if utf8.Valid(body) {
			return body, nil
		}
		return charmap.Windows1252.NewDecoder().Bytes(body)
	}
	enc, name := charset.Lookup(label)
	switch {
	case enc == nil:
		// An unknown label is common noise; trust the bytes if they are UTF-8.
		if utf8.Valid(body) {
			return body, nil
		}
		return nil, fmt.Errorf("unknown charset %q", label)
	case name == "utf-8":
		return body, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return out, nil
}

// isJSON reports whether body looks like a JSON Feed rather than XML.
func isJSON(body []byte) bool {
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

// xmlDeclEncoding returns the encoding named in a leading
// <?xml ... encoding="..."?>, or "".
func xmlDeclEncoding(body []byte) string {
	body = bytes.TrimLeft(body, " \t\r\n")
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(body, []byte("?>"))
	if end < 0 || end > 512 {
		return ""
	}
	decl := string(body[len("<?xml"):end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	val, _, ok := strings.Cut(rest[1:], rest[:1])
	if !ok {
		return ""
	}
	return strings.TrimSpace(val)
}
