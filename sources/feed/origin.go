package feed

import (
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/tributaryfeeds/tributary/sources"
)

// feedOrigin describes the upstream document for provenance: its id (Atom),
// title, site, own URL and updated date; nil when it says nothing.
func feedOrigin(f *gofeed.Feed, feedURL, site string) *sources.Origin {
	o := &sources.Origin{Title: sources.PlainText(f.Title), Link: site, URL: originURL(f.FeedLink, feedURL)}
	switch {
	case f.UpdatedParsed != nil:
		o.Updated = f.UpdatedParsed.UTC()
	case f.PublishedParsed != nil:
		o.Updated = f.PublishedParsed.UTC()
	}
	if a, ok := f.OriginalFeed().(*atom.Feed); ok {
		o.ID = strings.TrimSpace(a.ID)
	}
	if o.IsZero() {
		return nil
	}
	return o
}

// originURL is the feed's address to publish: the self link it declares
// when that is an absolute http(s) URL, else the URL fetched without its
// query (which may hold an API key) and without any user or password.
func originURL(self, fetched string) string {
	if u, err := url.Parse(strings.TrimSpace(self)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		u.User, u.Fragment, u.RawFragment = nil, "", ""
		return u.String()
	}
	u, err := url.Parse(fetched)
	if err != nil || u.Host == "" {
		return ""
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
