package server

import (
	"net/http"
	"strings"
)

// WebSub is what the server needs of the push package; *push.Service
// implements it.
type WebSub interface {
	ServeHub(w http.ResponseWriter, r *http.Request)      // /websub
	ServeCallback(w http.ResponseWriter, r *http.Request) // /websub/callback/{source}/{token}
}

// serveWebSub hands /websub and /websub/callback/ to the push service.
func (s *Server) serveWebSub(w http.ResponseWriter, r *http.Request) int {
	if s.websub == nil {
		return notFound(w)
	}
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	switch p := r.URL.Path; {
	case p == "/websub":
		s.websub.ServeHub(sw, r)
	case len(p) > len("/websub/callback/") && p[:len("/websub/callback/")] == "/websub/callback/":
		s.websub.ServeCallback(sw, r)
	default:
		return notFound(w)
	}
	return sw.code
}

// statusWriter remembers the status code for the request counter.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (the hub sets a
// read deadline for the request body).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logPath is a request path fit for the log: a WebSub callback's last
// segment is its secret token, so it is cut.
func logPath(p string) string {
	const prefix = "/websub/callback/"
	if !strings.HasPrefix(p, prefix) {
		return p
	}
	source, _, _ := strings.Cut(p[len(prefix):], "/")
	return prefix + source + "/…"
}
