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

// internalPage is what a service on a private address would reveal.
const internalPage = `<html><head><title>Admin</title></head><body><article>
<h1>Admin console</h1><p>INTERNAL-SECRET the root password is hunter2, and this paragraph is
long enough for readability to take it as the article body of the page.</p>
<p>Another paragraph of internal text so that the extractor keeps the page as an article.</p>
</article></body></html>`

// internalService listens on 127.0.0.2, an address no full-text page may
// reach, and counts the requests it gets.
func internalService(t *testing.T) (port string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2 (Linux routes all of 127/8 to loopback): %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, internalPage)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, hits
}

// hostileFeed serves /feed.xml, whose items link to internal addresses in
// every spelling, and /hop, which redirects to one from the feed's own host.
func hostileFeed(t *testing.T, port string) *httptest.Server {
	t.Helper()
	links := []string{
		"http://127.0.0.2:" + port + "/admin",
		"http://[::1]:" + port + "/admin",
		"http://[::ffff:127.0.0.2]:" + port + "/admin",
		"http://2130706434:" + port + "/admin", // 127.0.0.2 as one decimal number
		"http://0x7f.2:" + port + "/admin",
		"http://localhost:" + port + "/admin",
		"HOP", // the feed's own host, redirecting inside
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hop":
			http.Redirect(w, r, "http://127.0.0.2:"+port+"/admin", http.StatusFound)
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			var b strings.Builder
			b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title><link>` + srv.URL + `</link><description>d</description>`)
			for i, l := range links {
				if l == "HOP" {
					l = srv.URL + "/hop"
				}
				fmt.Fprintf(&b, `<item><title>Item %d</title><link>%s</link><guid>g%d</guid><description>Teaser %d.</description></item>`, i, l, i, i)
			}
			b.WriteString(`</channel></rss>`)
			fmt.Fprint(w, b.String())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFullTextRefusesPrivateAddresses is issue 8's SSRF: a hostile
// full-text feed must not get internal pages fetched and published, and the
// status page must not turn into a port scanner. With fetch.allow_private
// the operator lifts the guard.
func TestFullTextRefusesPrivateAddresses(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow_private=%v", allow), func(t *testing.T) {
			port, hits := internalService(t)
			up := hostileFeed(t, port)
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			srcs := "  - {name: hostile, url: " + up.URL + "/feed.xml, full_text: true}\n"
			feeds := "  - {slug: all, title: All, sources: [hostile]}\n"
			cfg := daemonConfig(dir, e2eToken, srcs, feeds)
			if allow {
				cfg = strings.Replace(cfg, "fetch:\n", "fetch:\n  allow_private: true\n", 1)
			}
			writeFile(t, path, cfg)
			m := open(t, &Main{ConfigPath: path})
			base := m.URL()
			waitFetched(t, base, "hostile")
			waitFeed(t, base, 7)

			_, feed := get(t, base+"/feeds/all.json")
			published := strings.Contains(string(feed), "INTERNAL-SECRET")
			st := status(t, base).Sources[0]
			_, page := get(t, base+"/status")
			if allow {
				if hits.Load() == 0 || !published {
					t.Errorf("allow_private: %d internal requests, published %v; want the pages fetched\n%s\n%s", hits.Load(), published, feed, st.LastError)
				}
				return
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the internal service got %d requests", n)
			}
			if published {
				t.Errorf("internal text published:\n%s", feed)
			}
			// Every item's page is refused the same way, with nothing more.
			if got := strings.Count(st.LastError, "refused: private address"); got != 7 {
				t.Errorf("last_error names %d refusals, want 7: %q", got, st.LastError)
			}
			for _, leak := range []string{"connection refused", "dial tcp", "127.0.0.2:" + port + ":", "no such host"} {
				if strings.Contains(st.LastError, leak) || strings.Contains(string(page), leak) {
					t.Errorf("status shows %q: %q", leak, st.LastError)
				}
			}
		})
	}
}
