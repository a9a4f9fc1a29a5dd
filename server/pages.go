package server

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/opml"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates: each page is the layout plus its
// own "main" block.
type pages struct {
	index, feed, status, source *template.Template
}

func newPages() *pages {
	parse := func(name string) *template.Template {
		// The templates are embedded and covered by tests, so Must cannot
		// fire on any input a running server sees.
		return template.Must(template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/"+name))
	}
	return &pages{
		index:  parse("index.html"),
		feed:   parse("feed.html"),
		status: parse("status.html"),
		source: parse("source.html"),
	}
}

// pageBase is what the layout needs on every page.
type pageBase struct {
	// Base is the path of server.base_url ("" or "/prefix"): links between
	// pages are root-relative, so they work whichever host name reached
	// the daemon; only feed URLs, which readers keep, are absolute.
	Base, Version string
	CSS, JS       string // asset URLs, fingerprinted
	Nav           string // the current section: "feeds" or "status"
	Script        bool   // the page uses app.js
}

func (s *Server) pageBase(nav string) pageBase {
	return pageBase{
		Base: s.basePath, Version: s.version, Nav: nav,
		CSS: s.basePath + s.assets.css.path, JS: s.basePath + s.assets.js.path,
	}
}

// basePathOf is the path of base_url without its trailing slash.
func basePathOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.EscapedPath(), "/")
}

// now is the pages' clock.
func (s *Server) now() time.Time { return s.clock() }

type feedLinks struct {
	feeds.Info
	Page, Atom, RSS, JSON string
	Updated               when
}

func (s *Server) feedURL(slug string, f feeds.Format) string {
	return s.baseURL + "/feeds/" + slug + "." + f.String()
}

// pageURL is the feed's HTML page: the negotiated path, which a browser's
// Accept header turns into HTML.
func (s *Server) pageURL(slug string) string {
	return s.basePath + "/feeds/" + slug
}

func (s *Server) feedInfos() []feeds.Info {
	if s.feeds == nil {
		return nil
	}
	all := s.feeds.Feeds()
	public := all[:0:0]
	for _, in := range all {
		if !in.Private { // private feeds are in no public list
			public = append(public, in)
		}
	}
	return public
}

// currentRenders bounds how many feeds one index or status page brings up
// to date; past it, a feed shows the item count of its last render.
const currentRenders = 100

// currentInfos is feedInfos with each feed's item count taken from its
// current page: feeds render on demand, so the last render's count may be
// old, or zero for a feed nobody has read since the start. A page that is
// current costs nothing to get.
func (s *Server) currentInfos(ctx context.Context) []feeds.Info {
	infos := s.feedInfos()
	for i := range infos[:min(len(infos), currentRenders)] {
		pg, err := s.feeds.Page(ctx, infos[i].Slug)
		if err != nil {
			s.log.WarnContext(ctx, "feed page for the item count", slog.String("feed", infos[i].Slug), slog.Any("err", err))
			continue
		}
		if pg != nil {
			infos[i].Items = pg.Info.Items
		}
	}
	return infos
}

func (s *Server) feedLinks(infos []feeds.Info, now time.Time) []feedLinks {
	out := make([]feedLinks, 0, len(infos))
	for _, in := range infos {
		if in.Description == "" {
			in.Description = in.Title
		}
		out = append(out, feedLinks{
			Info: in, Page: s.pageURL(in.Slug), Updated: whenOf(in.Updated, now),
			Atom: s.feedURL(in.Slug, feeds.Atom), RSS: s.feedURL(in.Slug, feeds.RSS), JSON: s.feedURL(in.Slug, feeds.JSON),
		})
	}
	return out
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) int {
	now := s.now()
	data := struct {
		Page  pageBase
		Feeds []feedLinks
	}{Page: s.pageBase("feeds"), Feeds: s.feedLinks(s.currentInfos(r.Context()), now)}
	return s.renderHTML(w, r, s.pages.index, data)
}

// renderHTML executes t into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) renderHTML(w http.ResponseWriter, r *http.Request, t *template.Template, data any) int {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return s.internalError(w, r, "render "+t.Name(), err)
	}
	setPageHeaders(w.Header(), &s.static)
	return s.writeBody(w, s.static.contentTypeHTML, buf.Bytes())
}

func (s *Server) writeBody(w http.ResponseWriter, contentType []string, body []byte) int {
	h := w.Header()
	h["Content-Type"] = contentType
	h["Cache-Control"] = s.static.cacheControlNone
	h["X-Content-Type-Options"] = s.static.nosniff
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // the client went away; nothing to do
	return http.StatusOK
}

func (s *Server) serveOPML(w http.ResponseWriter, r *http.Request) int {
	infos := s.feedInfos()
	list := make([]opml.Feed, len(infos))
	for i, in := range infos {
		list[i] = opml.Feed{Slug: in.Slug, Title: in.Title}
	}
	var buf bytes.Buffer
	if err := opml.ExportFeeds(&buf, s.baseURL, list); err != nil {
		return s.internalError(w, r, "export opml", err)
	}
	return s.writeBody(w, s.static.contentTypeOPML, buf.Bytes())
}

func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) int {
	w.Header()["Content-Type"] = s.static.textPlain
	_, _ = w.Write([]byte("ok"))
	return http.StatusOK
}

// ready is what /readyz and the tributary_ready gauge report: not while
// draining for shutdown, so balancers move away first, and not while store
// writes fail: a replica whose disk is full keeps serving its last
// renders, but a balancer should prefer another.
func (s *Server) ready() bool {
	return s.feeds != nil && s.feeds.Ready() && !s.draining.Load() && s.health.OK()
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) int {
	if !s.ready() {
		msg := "not ready"
		if !s.health.OK() {
			msg = "not ready: store writes failing"
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	return s.serveHealth(w, r)
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) int {
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	s.metrics.ServeHTTP(rec, r)
	return rec.code
}

// statusRecorder remembers the status code of a handler we do not own.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.code, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
