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
		return routeFeed, noFormat, notFound(w)
	}
	return routeFeed, labelOf(f), s.writeRendered(w, r, rd, negotiated)
}

func (s *Server) writeRendered(w http.ResponseWriter, r *http.Request, rd *feeds.Rendered, negotiated bool) int {
	hs := s.headers.get(rd)
	h := w.Header()
	if negotiated {
		h["Vary"] = s.static.varyNegotiated
	} else {
		h["Vary"] = s.static.varyEncoding
	}
	// The coding is chosen first: a 304 carries the ETag of the body that
	// a 200 would have sent.
	gz := hs.gzipLength != nil && acceptsGzip(r.Header["Accept-Encoding"])
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
	if notModified(r.Header, rd, hs) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Type"] = hs.contentType
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
