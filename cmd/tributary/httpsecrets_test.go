package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestHTTPOptionSecretsNotShown runs the daemon with json sources that
// carry an API key, a cookie, a Basic password and a proxy password (all
// from ${VAR}): one works, one is refused by its API, one has its proxy
// down. No secret may appear in the logs or on any page.
func TestHTTPOptionSecretsNotShown(t *testing.T) {
	const (
		key     = "apikey-3c9d1e7f5a"
		cookie  = "cookie-8b2a6c4e0d"
		pw      = "basicpw-5e1f9a3b7c"
		proxyPW = "proxypw-2d4f6a8c0e"
	)
	t.Setenv("TRIB_TEST_KEY", key)
	t.Setenv("TRIB_TEST_COOKIE", cookie)
	t.Setenv("TRIB_TEST_PW", pw)
	t.Setenv("TRIB_TEST_PROXY_PW", proxyPW)
	var authorized atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		c, _ := r.Cookie("session")
		if r.Header.Get("X-Api-Key") != key || c == nil || c.Value != cookie || u != "reader" || p != pw {
			// Some APIs echo what they were sent.
			http.Error(w, "denied key="+r.Header.Get("X-Api-Key"), http.StatusForbidden)
			return
		}
		authorized.Add(1)
		if r.URL.Path == "/refuse" {
			http.Error(w, "denied", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `{"posts": [{"id": 1, "title": "Members' news", "url": "/p/1"}]}`)
	}))
	defer api.Close()
	// A closed port for the proxy that is down.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadProxy := l.Addr().String()
	l.Close()

	opts := `    select: {items: "$.posts[*]", title: "$.title", link: "$.url"}
    http:
      headers: {X-Api-Key: "${TRIB_TEST_KEY}"}
      cookies: {session: "${TRIB_TEST_COOKIE}"}
      basic_auth: {username: reader, password: "${TRIB_TEST_PW}"}
`
	srcs := fmt.Sprintf(`  - name: members
    kind: json
    url: %[1]s/api?api_key=${TRIB_TEST_KEY}
%[2]s  - name: refused
    kind: json
    url: %[1]s/refuse
%[2]s  - name: proxied
    kind: json
    url: http://api.members.invalid/posts
%[2]s      proxy: "http://fetcher:${TRIB_TEST_PROXY_PW}@%[3]s"
`, api.URL, opts, deadProxy)
	feeds := "  - {slug: members, title: Members, sources: [members, refused, proxied]}\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, e2eToken, srcs, feeds))
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger})
	base := m.URL()
	waitFetched(t, base, "members")
	waitFor(t, "the failing sources to be fetched", func() bool {
		n := 0
		for _, s := range status(t, base).Sources {
			if s.LastFetch != nil {
				n++
			}
		}
		return n == 3
	})
	if authorized.Load() == 0 {
		t.Fatal("the API never saw the configured key, cookie and password")
	}
	st := status(t, base)
	var errs []string
	for _, s := range st.Sources {
		errs = append(errs, s.Name+": "+s.LastError)
	}
	if joined := strings.Join(errs, "\n"); !strings.Contains(joined, "refused: ") || !strings.Contains(joined, "403") || !strings.Contains(joined, "proxied: fetch proxied: GET") {
		t.Errorf("status errors do not show the failures:\n%s", joined)
	}
	served := ""
	for _, p := range []string{"/", "/status", "/status.json", "/metrics", "/opml", "/feeds/members.atom",
		"/status/sources/members", "/status/sources/refused.json", "/status/sources/proxied.json"} {
		_, body := get(t, base+p)
		served += string(body)
	}
	for _, secret := range []string{key, cookie, pw, proxyPW} {
		if strings.Contains(served, secret) {
			t.Errorf("a page shows the secret %q", secret)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows the secret %q", secret)
		}
	}
}
