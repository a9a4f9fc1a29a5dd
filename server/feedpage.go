package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
)

// prefersHTML reports whether the Accept header values ask for HTML over
// every feed format: text/html (or XHTML) named explicitly, with a weight
// above the best feed format's, or equal but more specific. Browsers send
// "text/html,...,*/*;q=0.8" and get the page; feed readers that send "*/*"
// or list HTML below the feed types keep getting a feed.
func prefersHTML(accept []string) bool {
	var page preference
	it := listIter{values: accept}
	for e, ok := it.next(); ok; e, ok = it.next() {
		if strings.EqualFold(e.value, "text/html") || strings.EqualFold(e.value, "application/xhtml+xml") {
			page = pick(page, e.q, exact)
		}
	}
	if page.q == 0 {
		return false
	}
	_, feed := negotiatePref(accept)
	return page.better(feed)
}

// pageItem is an item of the feed page.
type pageItem struct {
	feeds.PageEntry
	When when
}

// subscribeLink is one "Subscribe" row of the feed page.
type subscribeLink struct {
	ID, Name, URL, Type string
}

// renderedPage is a feed page's bytes for one page build and one minute.
type renderedPage struct {
	page   *feeds.Page
	minute time.Time
	body   []byte
	etag   []string
	length []string
}

// pageCacheSize bounds the page cache; a feed past it is rendered per
// request until its entry comes back.
const pageCacheSize = 64

// pageCache keeps each feed's last rendered page. Relative times are
// written as of the end of the current minute, so within a minute the
// page is the same bytes and a visit or revalidation costs no render.
type pageCache struct {
	mu sync.Mutex
	m  map[string]*renderedPage
}

func (c *pageCache) get(slug string, pg *feeds.Page, minute time.Time) *renderedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[slug]; e != nil && e.page == pg && e.minute.Equal(minute) {
		return e
	}
	return nil
}

func (c *pageCache) put(slug string, e *renderedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*renderedPage)
	}
	if _, ok := c.m[slug]; !ok && len(c.m) >= pageCacheSize {
		for k := range c.m { // any one: map order is random
			delete(c.m, k)
			break
		}
	}
	c.m[slug] = e
}

// serveFeedPage answers a browser at /feeds/{slug} with the feed as HTML.
// Its relative times age, so it is built per minute, not per feed change
// (see pageCache), and carries an ETag of its bytes: a revalidation that
// finds the same page costs a 304.
func (s *Server) serveFeedPage(w http.ResponseWriter, r *http.Request, slug string) int {
	pg, err := s.feeds.Page(r.Context(), slug)
	if err != nil {
		s.log.ErrorContext(r.Context(), "build feed page", "feed", slug, "err", err)
		// The store is unreachable: come back soon.
		w.Header()["Retry-After"] = []string{"5"}
		http.Error(w, "503 feed unavailable, try again later", http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	if pg == nil {
		return notFound(w)
	}
	// The end of the minute: no item is dated after it, so none reads as
	// in the future.
	minute := s.now().Truncate(time.Minute).Add(time.Minute)
	rp := s.pageCache.get(slug, pg, minute)
	if rp == nil {
		body, err := s.renderFeedPage(slug, pg, minute)
		if err != nil {
			return s.internalError(w, r, "render feed page", err)
		}
		sum := sha256.Sum256(body)
		rp = &renderedPage{page: pg, minute: minute, body: body,
			etag: []string{`"p-` + hex.EncodeToString(sum[:12]) + `"`}, length: []string{strconv.Itoa(len(body))}}
		s.pageCache.put(slug, rp)
	}
	h := w.Header()
	h["Vary"] = s.static.varyNegotiated
	h["Etag"] = rp.etag
	h["Cache-Control"] = s.static.cacheControlPage
	setPageHeaders(h, &s.static)
	h["X-Content-Type-Options"] = s.static.nosniff
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagListMatches(inm, rp.etag[0]) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Type"] = s.static.contentTypeHTML
	h["Content-Length"] = rp.length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(rp.body) // the client went away; nothing to do
	}
	return http.StatusOK
}

// renderFeedPage writes the page of pg with times relative to now.
func (s *Server) renderFeedPage(slug string, pg *feeds.Page, now time.Time) ([]byte, error) {
	info := pg.Info
	if info.Description == "" {
		info.Description = info.Title
	}
	data := struct {
		Page      pageBase
		Feed      feeds.Info
		Updated   when
		Subscribe []subscribeLink
		Items     []pageItem
	}{
		Page: s.pageBase("feeds"), Feed: info, Updated: whenOf(pg.LastModified, now),
		Subscribe: []subscribeLink{
			{ID: "atom", Name: "Atom", URL: s.feedURL(slug, feeds.Atom), Type: feeds.Atom.ContentType()},
			{ID: "rss", Name: "RSS", URL: s.feedURL(slug, feeds.RSS), Type: feeds.RSS.ContentType()},
			{ID: "json", Name: "JSON Feed", URL: s.feedURL(slug, feeds.JSON), Type: feeds.JSON.ContentType()},
		},
		Items: make([]pageItem, len(pg.Entries)),
	}
	for i, e := range pg.Entries {
		data.Items[i] = pageItem{PageEntry: e, When: whenOf(e.Date, now)}
	}
	for i := range data.Subscribe {
		// The content type without its charset parameter.
		data.Subscribe[i].Type, _, _ = strings.Cut(data.Subscribe[i].Type, ";")
	}
	data.Page.Script = true
	var buf bytes.Buffer
	if err := s.pages.feed.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
