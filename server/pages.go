package server

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/opml"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates.
type pages struct {
	index  *template.Template
	status *template.Template
}

func newPages() *pages {
	funcs := template.FuncMap{"when": displayTime}
	// The templates are embedded and covered by tests, so Must cannot fire
	// on any input a running server sees.
	return &pages{
		index:  template.Must(template.New("index.html").Funcs(funcs).ParseFS(templateFS, "templates/index.html")),
		status: template.Must(template.New("status.html").Funcs(funcs).ParseFS(templateFS, "templates/status.html")),
	}
}

// displayTime formats t for the status page: RFC 3339 UTC, or "never".
func displayTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

type feedLinks struct {
	feeds.Info
	Atom, RSS, JSON string
}

func (s *Server) feedURL(slug string, f feeds.Format) string {
	return s.baseURL + "/feeds/" + slug + "." + f.String()
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

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) int {
	infos := s.feedInfos()
	data := struct {
		Base, Version string
		Feeds         []feedLinks
	}{Base: s.baseURL, Version: s.version, Feeds: make([]feedLinks, 0, len(infos))}
	for _, in := range infos {
		if in.Description == "" {
			in.Description = in.Title
		}
		data.Feeds = append(data.Feeds, feedLinks{
			Info: in,
			Atom: s.feedURL(in.Slug, feeds.Atom), RSS: s.feedURL(in.Slug, feeds.RSS), JSON: s.feedURL(in.Slug, feeds.JSON),
		})
	}
	return s.renderHTML(w, r, s.pages.index, data)
}

// renderHTML executes t into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) renderHTML(w http.ResponseWriter, r *http.Request, t *template.Template, data any) int {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return s.internalError(w, r, "render "+t.Name(), err)
	}
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

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) int {
	if s.feeds == nil || !s.feeds.Ready() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
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
