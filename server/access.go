package server

import (
	"net/http"
	"strings"

	"github.com/tributaryfeeds/tributary/feeds"
)

// feedAuthorized reports whether r may read a feed guarded by acc (nil: a
// public feed). A token may come as ?token=T, as Authorization: Bearer T,
// or as the password of HTTP Basic with any user name, which is what feed
// readers offer. Each presented token is checked; none is ever logged.
func feedAuthorized(r *http.Request, acc *feeds.Access) bool {
	if acc == nil {
		return true
	}
	ok := false
	if r.URL.RawQuery != "" {
		for _, t := range r.URL.Query()["token"] {
			ok = acc.Allows(t) || ok
		}
	}
	for _, h := range r.Header["Authorization"] {
		scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
		if strings.EqualFold(scheme, "Bearer") {
			ok = acc.Allows(strings.TrimSpace(cred)) || ok
		}
	}
	if _, pass, basic := r.BasicAuth(); basic {
		ok = acc.Allows(pass) || ok
	}
	return ok
}

// unauthorized answers 401 with both challenges: Basic makes feed readers
// ask for the password, Bearer tells API clients what else works.
func (s *Server) unauthorized(w http.ResponseWriter) int {
	h := w.Header()
	h["Www-Authenticate"] = s.static.authChallenge
	h["Cache-Control"] = s.static.cacheControlNone
	http.Error(w, "401 unauthorized: this feed needs a token", http.StatusUnauthorized)
	return http.StatusUnauthorized
}
