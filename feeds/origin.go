package feeds

import (
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	gfeeds "github.com/gorilla/feeds"

	"github.com/tributaryfeeds/tributary/sources"
)

// entryOrigin is where an item came from, cleaned for output: the
// configured source's name and what the upstream document said of itself.
type entryOrigin struct {
	name    string // the configured source
	id      string // the upstream's Atom id, when it is a URI
	title   string // the upstream's title, else the source's name
	link    string // the upstream's site
	url     string // the upstream document
	updated time.Time
}

func newEntryOrigin(it *sources.Item) *entryOrigin {
	if it.Source == "" && it.Origin.IsZero() {
		return nil
	}
	o := &entryOrigin{name: strings.TrimSpace(xmlClean(it.Source))}
	if up := it.Origin; up != nil {
		if u, err := url.Parse(up.ID); err == nil && u.IsAbs() && !strings.ContainsAny(up.ID, " \t\r\n") {
			o.id = xmlClean(up.ID)
		}
		o.title = strings.TrimSpace(xmlClean(up.Title))
		o.link, _ = absURL(xmlClean(up.Link), nil)
		o.url, _ = absURL(xmlClean(up.URL), nil)
		o.updated = up.Updated.UTC().Truncate(time.Second)
	}
	if o.title == "" {
		o.title = o.name
	}
	return o
}

// atomSource is RFC 4287's atom:source: the feed an entry was copied from.
type atomSource struct {
	XMLName xml.Name `xml:"source"`
	ID      string   `xml:"id,omitempty"`
	Title   string   `xml:"title,omitempty"`
	Links   []gfeeds.AtomLink
	Updated string `xml:"updated,omitempty"`
}

func newAtomSource(o *entryOrigin) *atomSource {
	if o == nil {
		return nil
	}
	s := &atomSource{ID: o.id, Title: o.title}
	if o.link != "" {
		s.Links = append(s.Links, gfeeds.AtomLink{Href: o.link, Rel: "alternate", Type: "text/html"})
	}
	if o.url != "" {
		s.Links = append(s.Links, gfeeds.AtomLink{Href: o.url, Rel: "self"})
	}
	if !o.updated.IsZero() {
		s.Updated = o.updated.Format(time.RFC3339)
	}
	return s
}

// rssSource is RSS 2.0's <source url="...">title</source>; RSS requires the
// url, so an item whose upstream URL is unknown has none.
type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",chardata"`
}

func newRSSSource(o *entryOrigin) *rssSource {
	if o == nil || o.url == "" {
		return nil
	}
	return &rssSource{URL: o.url, Title: o.title}
}

// jsonItemExt is our JSON Feed extension of an item: where it came from.
type jsonItemExt struct {
	About       string `json:"about"`
	Source      string `json:"source"`                 // the configured source's name
	SourceTitle string `json:"source_title,omitempty"` // the upstream's title
	SourceURL   string `json:"source_url,omitempty"`   // the upstream document
	SourceHome  string `json:"source_home,omitempty"`  // the upstream's site
}

func newJSONItemExt(o *entryOrigin) *jsonItemExt {
	if o == nil || o.name == "" {
		return nil
	}
	x := &jsonItemExt{About: jsonExtAbout, Source: o.name, SourceURL: o.url, SourceHome: o.link}
	if o.title != o.name {
		x.SourceTitle = o.title
	}
	return x
}
