package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpstreamContentBounds: an item without a link has its relative URLs
// resolved against the upstream's site, never against the daemon's
// base_url; an item with megabytes of content is stored and published cut
// to 1 MiB, with a warning.
func TestUpstreamContentBounds(t *testing.T) {
	huge := strings.Repeat("<p>padding paragraph</p>", (3<<20)/24)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Up</title><link>https://upstream.example/news/</link><description>d</description>
<item><title>No link</title><guid isPermaLink="false">n1</guid><description><![CDATA[<p>See <a href="/about">about</a> and <img src="pics/a.png"></p>]]></description></item>
<item><title>Huge</title><link>https://upstream.example/huge</link><description><![CDATA[%s]]></description></item>
</channel></rss>`, huge)
	}))
	defer up.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := daemonConfig(dir, "", "  - {name: up, url: "+up.URL+"/feed.xml}\n", "  - {slug: all, title: All, sources: [up]}\n")
	cfg = strings.Replace(cfg, "fetch:\n", "fetch:\n  max_body: 8MiB\n", 1)
	writeFile(t, path, cfg)
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	f := waitFeed(t, base, 2)
	for _, it := range f.Items {
		switch it.Title {
		case "No link":
			if !strings.Contains(it.ContentHTML, `href="https://upstream.example/about"`) ||
				!strings.Contains(it.ContentHTML, `src="https://upstream.example/news/pics/a.png"`) {
				t.Errorf("relative URLs not resolved against the upstream's site: %s", it.ContentHTML)
			}
			if strings.Contains(it.ContentHTML, "feeds.test") {
				t.Errorf("resolved against the daemon's base_url: %s", it.ContentHTML)
			}
		case "Huge":
			if n := len(it.ContentHTML); n > 1<<20+16 || n < 1<<19 {
				t.Errorf("huge item published with %d bytes of content", n)
			}
		}
	}
	if st := status(t, base).Sources[0]; !strings.Contains(st.LastError, "content cut to 1024 KiB: https://upstream.example/huge") {
		t.Errorf("last_error %q", st.LastError)
	}
}
