package server

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tributaryfeeds/tributary/scheduler"
)

// serveAdmin serves /admin/*. Without a configured token the routes do not
// exist (404); with one, authentication comes before anything else so that
// an anonymous client learns nothing about sources or methods.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) int {
	token := *s.token.Load()
	if token == "" {
		return notFound(w)
	}
	client, now := clientAddr(r), s.now()
	if wait := s.throttle.blocked(client, now); wait > 0 {
		// The token is not even compared: guessing stays slow.
		return tooManyRequests(w, wait, "too many failed attempts")
	}
	if !authorized(r.Header.Get("Authorization"), token) {
		s.throttle.failed(client, now)
		w.Header()["Www-Authenticate"] = s.static.wwwAuthenticate
		http.Error(w, "401 unauthorized", http.StatusUnauthorized)
		return http.StatusUnauthorized
	}
	p := strings.TrimPrefix(r.URL.Path, "/admin/")
	if p == "status" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return methodNotAllowed(w, s.static.allowGetHead)
		}
		return s.serveStatusJSON(w, r)
	}
	if rest, ok := strings.CutPrefix(p, "sources/"); ok {
		if name, ok := strings.CutSuffix(rest, "/refresh"); ok && name != "" && !strings.Contains(name, "/") {
			return s.refresh(w, r, name)
		}
	}
	return notFound(w)
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request, name string) int {
	if r.Method != http.MethodPost {
		return methodNotAllowed(w, s.static.allowPost)
	}
	if s.sources == nil {
		return notFound(w)
	}
	if wait := s.throttle.refresh(name, s.now()); wait > 0 {
		return tooManyRequests(w, wait, "refreshed moments ago")
	}
	if err := s.sources.Refresh(name); err != nil {
		if errors.Is(err, scheduler.ErrUnknownSource) {
			http.Error(w, "404 unknown source", http.StatusNotFound)
			return http.StatusNotFound
		}
		return s.internalError(w, r, "refresh source", err)
	}
	s.log.InfoContext(r.Context(), "refresh requested", slog.String("source", name))
	w.Header()["Content-Type"] = s.static.textPlain
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte("refresh scheduled\n"))
	return http.StatusAccepted
}

// authorized checks an "Authorization: Bearer <token>" header in constant
// time. The scheme is case-insensitive (RFC 9110 section 11.1).
func authorized(header, token string) bool {
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	cred = strings.TrimSpace(cred)
	return subtle.ConstantTimeCompare([]byte(cred), []byte(token)) == 1
}
