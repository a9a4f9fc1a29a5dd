package server

import (
	"hash/maphash"
	"strconv"
	"sync/atomic"

	"github.com/tributaryfeeds/tributary/feeds"
)

// headerSet holds one Rendered's response header values, built once so
// that a request assigns shared slices instead of allocating new ones.
// net/http only reads header slices, so sharing them is safe.
type headerSet struct {
	rd           *feeds.Rendered
	contentType  []string
	etag         []string // nil when the Rendered has no ETag
	gzipETag     []string // the gzip body's own tag; nil without gzip body or ETag
	lastModified []string // nil when the Rendered has no Last-Modified
	cacheControl []string // nil when the Rendered has no Cache-Control
	link         []string // WebSub hub and self; nil when not advertised
	length       []string
	gzipLength   []string // nil when there is no gzip body
	hasGzip      bool     // a gzip body is served to clients that accept it
}

func newHeaderSet(rd *feeds.Rendered) *headerSet {
	hs := &headerSet{
		rd:           rd,
		contentType:  []string{rd.ContentType},
		etag:         nonEmpty(rd.ETag),
		lastModified: nonEmpty(rd.LastModifiedHTTP),
		cacheControl: nonEmpty(rd.CacheControl),
		link:         nonEmpty(rd.Link),
		length:       []string{strconv.Itoa(len(rd.Body))},
	}
	if len(rd.Gzip) > 0 {
		hs.gzipLength = []string{strconv.Itoa(len(rd.Gzip))}
		hs.hasGzip = true
		hs.gzipETag = nonEmpty(gzipETag(rd))
	}
	return hs
}

// gzipETag is the tag of rd's gzip body. A Rendered that lacks one gets
// its identity tag with "-gz" inside the quotes, as feeds does, rather
// than share the identity tag, which a strong validator must not
// (RFC 9110 section 8.8.3).
func gzipETag(rd *feeds.Rendered) string {
	if rd.GzipETag != "" || rd.ETag == "" {
		return rd.GzipETag
	}
	if n := len(rd.ETag); n >= 2 && rd.ETag[n-1] == '"' {
		return rd.ETag[:n-1] + `-gz"`
	}
	return ""
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// headerCacheSlots bounds the cache: a re-render replaces a feed's
// Rendered, and the stale entry is simply overwritten later, so memory
// never grows with the number of renders.
const headerCacheSlots = 256

// headerCache is a lock-free, direct-mapped cache of headerSets keyed by
// *feeds.Rendered. A collision costs a rebuild, never a wrong answer,
// because every entry remembers its pointer.
type headerCache struct {
	seed  maphash.Seed
	slots *[headerCacheSlots]atomic.Pointer[headerSet]
}

func newHeaderCache() headerCache {
	return headerCache{seed: maphash.MakeSeed(), slots: new([headerCacheSlots]atomic.Pointer[headerSet])}
}

func (c headerCache) get(rd *feeds.Rendered) *headerSet {
	slot := &c.slots[maphash.Comparable(c.seed, rd)%headerCacheSlots]
	if hs := slot.Load(); hs != nil && hs.rd == rd {
		return hs
	}
	hs := newHeaderSet(rd)
	slot.Store(hs)
	return hs
}

// staticHeaders are header values that never change, shared by all
// responses for the same reason as headerSet.
type staticHeaders struct {
	varyEncoding     []string // Accept-Encoding
	varyNegotiated   []string // Accept, Accept-Encoding
	gzip             []string
	allowGetHead     []string
	allowPost        []string
	nosniff          []string
	textPlain        []string
	wwwAuthenticate  []string
	contentTypeOPML  []string
	contentTypeHTML  []string
	contentTypeJSON  []string
	cacheControlNone []string
	connectionClose  []string
	authChallenge    []string // WWW-Authenticate of a private feed
	csp              []string
	noReferrer       []string
	varyAccept       []string
	cacheControlPage []string
}

func newStaticHeaders() staticHeaders {
	return staticHeaders{
		varyEncoding:     []string{"Accept-Encoding"},
		varyNegotiated:   []string{"Accept, Accept-Encoding"},
		gzip:             []string{"gzip"},
		allowGetHead:     []string{"GET, HEAD"},
		allowPost:        []string{"POST"},
		nosniff:          []string{"nosniff"},
		textPlain:        []string{"text/plain; charset=utf-8"},
		wwwAuthenticate:  []string{"Bearer"},
		contentTypeOPML:  []string{"text/x-opml; charset=utf-8"},
		contentTypeHTML:  []string{"text/html; charset=utf-8"},
		contentTypeJSON:  []string{"application/json; charset=utf-8"},
		cacheControlNone: []string{"no-store"},
		connectionClose:  []string{"close"},
		authChallenge:    []string{`Basic realm="tributary", charset="UTF-8"`, `Bearer realm="tributary"`},
		csp:              []string{ContentSecurityPolicy},
		noReferrer:       []string{"no-referrer"},
		varyAccept:       []string{"Accept"},
		// Relative times ("3 hours ago") age: revalidate each time, which
		// the ETag makes cheap.
		cacheControlPage: []string{"no-cache"},
	}
}
