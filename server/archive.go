package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tributaryfeeds/tributary/feeds"
)

// serveArchive serves /feeds/{slug}/archive/{n}.{rss,atom,json}, the RFC
// 5005 archive pages, with the same headers, conditional GETs and access
// rule as the feed itself.
func (s *Server) serveArchive(w http.ResponseWriter, r *http.Request, slug, page string) (route, formatLabel, int) {
	num, ext, ok := strings.Cut(page, ".")
	n, err := strconv.Atoi(num)
	f, fok := feeds.ParseFormat(ext)
	if !ok || !fok || err != nil || n < 1 || num != strconv.Itoa(n) || slug == "" || strings.IndexByte(slug, '/') >= 0 || s.feeds == nil {
		return routeFeed, noFormat, notFound(w)
	}
	if !feedAuthorized(r, s.feeds.Access(slug)) {
		return routeFeed, noFormat, s.unauthorized(w)
	}
	rd, err := s.feeds.Archive(r.Context(), slug, n, f)
	switch {
	case err != nil:
		s.log.ErrorContext(r.Context(), "render archive page", "feed", slug, "page", n, "format", f.String(), "err", err)
		w.Header()["Retry-After"] = []string{"5"}
		http.Error(w, "503 archive page unavailable, try again later", http.StatusServiceUnavailable)
		return routeFeed, labelOf(f), http.StatusServiceUnavailable
	case rd == nil:
		return routeFeed, noFormat, notFound(w)
	}
	// Not the shared header cache: pages are many and each is read rarely.
	return routeFeed, labelOf(f), s.writeRendered(w, r, rd, newHeaderSet(rd), false)
}
