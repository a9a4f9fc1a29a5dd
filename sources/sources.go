// Package sources turns configured upstreams (feeds, listing pages, local
// article documents) into normalised items. Each kind lives in its own
// subpackage; this package holds what they share: the item model, the Source
// interface and the polite HTTP client.
package sources

import (
	"context"
	"time"
)

// Item is one article as a source yields it, normalised: absolute links, UTC
// dates, plain-text title and HTML that has not been sanitized yet (the feeds
// package sanitizes on output).
type Item struct {
	// Source is the configured source name. Sources leave it empty; the
	// scheduler and the store fill it in.
	Source string
	// ID is stable across fetches and restarts: the GUID, else the link,
	// else a hash of title and content.
	ID         string
	Link       string
	Title      string
	Summary    string // HTML
	Content    string // HTML, the full article when known
	Authors    []Author
	Categories []string
	Published  time.Time // UTC; zero when the source gives no date
	Updated    time.Time // UTC; zero when unknown
	Image      string
	Enclosures []Enclosure
	// Media is podcast and Media RSS metadata; nil when the source gave none.
	Media *Media `json:",omitempty"` // omitted so item dumps without media read as before
	// Origin is the upstream document the item was read from; nil when
	// unknown (the feeds package then names the configured source).
	Origin *Origin `json:",omitempty"`
	// SimHash is a 64-bit SimHash of the item's normalised text, computed
	// once at ingest for near-duplicate detection; 0 when there is too
	// little text to compare.
	SimHash uint64 `json:",omitempty"`
	// FirstSeen is when the store first saw the item. Sources leave it zero.
	FirstSeen time.Time
	// Changed is when the store last stored a change to the item (its
	// first-seen time at first). Sources leave it zero.
	Changed time.Time
}

// Date is the item's date for ordering and output: its published date, else
// its updated date, else the time it was first seen.
func (it *Item) Date() time.Time {
	switch {
	case !it.Published.IsZero():
		return it.Published
	case !it.Updated.IsZero():
		return it.Updated
	}
	return it.FirstSeen
}

// Author is a person credited with an item.
type Author struct {
	Name  string
	Email string
	URL   string
}

// Enclosure is a media file attached to an item.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
}

// Request carries what a source needs to know from earlier fetches.
type Request struct {
	// ETag and LastModified are the validators of the previous successful
	// response, for a conditional GET.
	ETag         string
	LastModified string
	// Known reports whether an item is already stored, so expensive per-item
	// work (full-text extraction) is not repeated. It may be nil.
	Known func(ctx context.Context, id string) bool
	// Keep is how many items will be stored from this fetch (the newest;
	// see KeepNewest); zero: no bound. Sources may trim early to save work
	// on items that would be dropped.
	Keep int
}

// Result is what one fetch produced.
type Result struct {
	Items []Item
	// NotModified is true when the upstream answered 304: nothing changed and
	// Items is empty.
	NotModified bool
	// ETag and LastModified are the new validators to send next time.
	ETag         string
	LastModified string
	// NotBefore is the earliest time the upstream wants to be asked again
	// (Retry-After, Cache-Control max-age, Expires, RSS ttl); zero when it
	// said nothing.
	NotBefore time.Time
	// Warnings are problems that did not fail the fetch, such as an
	// unreadable file in a folder or a full-text page that failed to load.
	Warnings []string
	// Status is the upstream's HTTP status code (200, 304); 0 for sources
	// that speak no HTTP. It is kept in the fetch history.
	Status int
	// Matches counts what each selector found, in selector order, for the
	// fetch history: an operator sees a selector that quietly stopped
	// matching before readers notice. Nil for sources without selectors.
	// Over several pages, the counts are summed.
	Matches []Match
	// Pages holds the counts of each page read, for tributary fetch.
	Pages []PageMatches
}

// Match is what one selector found on a fetch: for "item" the number of
// items on the page, for a field the number of items it matched in.
type Match struct {
	Selector string `json:"selector"` // the field: item, title, link, ...
	Count    int    `json:"count"`
}

// Source fetches the current items of one configured source.
type Source interface {
	Fetch(ctx context.Context, req Request) (*Result, error)
}
