// Package feeds builds the published feeds: it selects items of a feed's
// sources from the store, filters, merges and deduplicates them, sanitizes
// their HTML and renders RSS 2.0, Atom 1.0 and JSON Feed 1.1 once per change,
// keeping the bytes (plain and gzip) and their headers for the server.
package feeds

import "time"

// Format is an output format.
type Format int

// The output formats.
const (
	RSS Format = iota
	Atom
	JSON
	numFormats
)

// Rendered is one feed in one format, ready to serve: the server writes these
// bytes and headers as they are.
type Rendered struct {
	Body []byte
	Gzip []byte // Body, gzip-compressed once at render time
	// ETag is strong and quoted, derived from Body.
	ETag string
	// GzipETag is the strong ETag of Gzip, which must differ from ETag
	// because a strong validator differs between content codings (RFC 9110
	// section 8.8.3): ETag with "-gz" inside the quotes.
	GzipETag string
	// LastModified is when the feed's items last changed, as their dates
	// and first sightings tell, never after the render; truncated to
	// seconds. LastModifiedHTTP is it in http.TimeFormat.
	LastModified     time.Time
	LastModifiedHTTP string
	ContentType      string // with charset
	CacheControl     string // e.g. "public, max-age=900"
	// Link is the HTTP Link header of a feed that advertises WebSub hubs:
	// each hub (rel="hub") and the feed's own URL (rel="self"); empty
	// otherwise. It is part of the body's identity: the body carries the
	// same links.
	Link string
}

// Info describes a published feed for the index, OPML and status pages.
type Info struct {
	Slug        string
	Title       string
	Description string
	Sources     []string  // resolved source names
	Items       int       // items in the latest render
	Updated     time.Time // when the rendered bytes last changed
	// Private feeds need a token; they are left out of every public list.
	Private bool
	// Merges are the near-duplicate merges of the latest render.
	Merges []Merge
}
