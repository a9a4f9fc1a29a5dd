package server

import (
	"net/http"
	"strings"

	"github.com/tributaryfeeds/tributary/feeds"
)

// serveFeed serves /feeds/{slug}.{rss,atom,json} and the negotiated
// /feeds/{slug}. It is the hot path: no allocation depends on the feed,
// headers are shared precomputed slices, bodies are pre-rendered bytes.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, rest string) (route, formatLabel, int) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return routeFeed, noFormat, methodNotAllowed(w, s.static.allowGetHead)
	}
	if slug, page, ok := strings.Cut(rest, "/archive/"); ok {
		return s.serveArchive(w, r, slug, page)
	}
	slug, f, negotiated, ok := parseFeedPath(rest, r.Header["Accept"])
	if !ok || s.feeds == nil {
		return routeFeed, noFormat, notFound(w)
	}
	// Before anything about the feed is told, its ETag included.
	access := s.feeds.Access(slug)
	if !feedAuthorized(r, access) {
		return routeFeed, noFormat, s.unauthorized(w)
	}
	// A private feed has no page: its readers are programs with a token.
	if negotiated && access == nil && prefersHTML(r.Header["Accept"]) {
		return routeFeed, labelHTML, s.serveFeedPage(w, r, slug)
	}
	rd := s.feeds.Get(slug, f)
	if rd == nil {
		return s.serveUncached(w, r, slug, f, negotiated)
	}
	return routeFeed, labelOf(f), s.writeRendered(w, r, rd, s.headers.get(rd), negotiated)
}

// serveUncached serves a feed that is not in the render cache: a
// conditional request that matches the feed's validators, which come from
// the data, is answered 304 without rendering; anything else renders it.
func (s *Server) serveUncached(w http.ResponseWriter, r *http.Request, slug string, f feeds.Format, negotiated bool) (route, formatLabel, int) {
	v := s.feeds.Validators(slug, f)
	if v == nil {
		return routeFeed, noFormat, notFound(w)
	}
	vs := newHeaderSet(v)
	vs.hasGzip = true // a render always has a gzip body
	vs.gzipETag = nonEmpty(v.GzipETag)
	if s.writeHeaders(w, r, v, vs, negotiated) {
		w.WriteHeader(http.StatusNotModified)
		return routeFeed, labelOf(f), http.StatusNotModified
	}
	rd, err := s.feeds.Render(r.Context(), slug, f)
	if err != nil {
		s.log.ErrorContext(r.Context(), "render feed", "feed", slug, "format", f.String(), "err", err)
		// The store is unreachable: clients should come back soon.
		w.Header()["Retry-After"] = []string{"5"}
		http.Error(w, "503 feed unavailable, try again later", http.StatusServiceUnavailable)
		return routeFeed, labelOf(f), http.StatusServiceUnavailable
	}
	if rd == nil {
		return routeFeed, noFormat, notFound(w) // removed by a reload meanwhile
	}
	return routeFeed, labelOf(f), s.writeRendered(w, r, rd, s.headers.get(rd), negotiated)
}

func (s *Server) writeRendered(w http.ResponseWriter, r *http.Request, rd *feeds.Rendered, hs *headerSet, negotiated bool) int {
	if s.writeHeaders(w, r, rd, hs, negotiated) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h := w.Header()
	gz := hs.hasGzip && acceptsGzip(r.Header["Accept-Encoding"])
	h["Content-Type"] = hs.contentType
	// A browser must not sniff an item's HTML out of a feed body.
	h["X-Content-Type-Options"] = s.static.nosniff
	body, length := rd.Body, hs.length
	if gz {
		h["Content-Encoding"] = s.static.gzip
		body, length = rd.Gzip, hs.gzipLength
	}
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		// A write error means the client went away; there is no one to tell.
		_, _ = w.Write(body)
	}
	return http.StatusOK
}

// writeHeaders sets the validator and caching headers that a 200 and a 304
// share, and reports whether the request may be answered 304.
func (s *Server) writeHeaders(w http.ResponseWriter, r *http.Request, rd *feeds.Rendered, hs *headerSet, negotiated bool) bool {
	h := w.Header()
	if negotiated {
		h["Vary"] = s.static.varyNegotiated
	} else {
		h["Vary"] = s.static.varyEncoding
	}
	// The coding is chosen first: a 304 carries the ETag of the body that
	// a 200 would have sent.
	gz := hs.hasGzip && acceptsGzip(r.Header["Accept-Encoding"])
	etag := hs.etag
	if gz && hs.gzipETag != nil {
		etag = hs.gzipETag
	}
	if etag != nil {
		h["Etag"] = etag
	}
	if hs.lastModified != nil {
		h["Last-Modified"] = hs.lastModified
	}
	if hs.cacheControl != nil {
		h["Cache-Control"] = hs.cacheControl
	}
	if hs.link != nil {
		h["Link"] = hs.link
	}
	return notModified(r.Header, rd, hs)
}

// parseFeedPath splits "slug.ext" or "slug" (the part after /feeds/). An
// extension must name a format; without one the format is negotiated from
// the Accept header values.
func parseFeedPath(rest string, accept []string) (slug string, f feeds.Format, negotiated, ok bool) {
	if rest == "" || strings.IndexByte(rest, '/') >= 0 {
		return "", 0, false, false
	}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		f, ok = feeds.ParseFormat(rest[i+1:])
		return rest[:i], f, false, ok && i > 0
	}
	return rest, negotiate(accept), true, true
}
