package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHostileUpstreamBounded is issue 8's items 3 and 4 end to end: a feed
// of 5,000 items with keep: 10 stores the newest 10 and says the upstream
// listed more; a listing page whose date is a megabyte long leaves a short
// last_error, a short /status.json and short log lines.
func TestHostileUpstreamBounded(t *testing.T) {
	const listed = 5000
	huge := strings.Repeat("Tuesday ", 128<<10) // 1 MiB of "date"
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			var b strings.Builder
			b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>http://big.example/</link><description>d</description>`)
			for i := range listed { // oldest first
				fmt.Fprintf(&b, `<item><title>Item %d</title><link>http://big.example/%d</link><pubDate>%s</pubDate></item>`,
					i, i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
			}
			b.WriteString(`</channel></rss>`)
			fmt.Fprint(w, b.String())
		case "/list.html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<ul><li><a href="/a">A story</a><span class="date">%s</span></li></ul>`, huge)
		default:
			http.NotFound(w, r)
		}
	}))
	defer up.Close()

	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	srcs := fmt.Sprintf(`  - {name: big, url: %s/big.xml, keep: 10}
  - name: listing
    kind: html
    url: %s/list.html
    select: {item: li, title: a, link: a@href, date: .date}
`, up.URL, up.URL)
	feeds := "  - {slug: all, title: All, sources: [big, listing], limit: 100}\n"
	writeFile(t, path, daemonConfig(dir, e2eToken, srcs, feeds))
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger})
	b := m.URL()
	waitFetched(t, b, "big", "listing")

	resp, body := get(t, b+"/status.json")
	if resp.StatusCode != http.StatusOK || len(body) > 16<<10 {
		t.Errorf("/status.json: status %d, %d bytes", resp.StatusCode, len(body))
	}
	for _, s := range status(t, b).Sources {
		switch s.Name {
		case "big":
			if s.Items != 10 || !strings.Contains(s.LastError, fmt.Sprintf("the upstream listed %d items; stored the newest 10", listed)) {
				t.Errorf("big: %d items stored, last_error %q", s.Items, s.LastError)
			}
		case "listing":
			if len(s.LastError) > 4<<10 || !strings.Contains(s.LastError, "Tuesday Tuesday") {
				t.Errorf("listing: last_error of %d bytes: %.200q", len(s.LastError), s.LastError)
			}
		}
	}
	f := waitFeed(t, b, 11)
	if f.Items[0].Title != "A story" && f.Items[0].Title != fmt.Sprintf("Item %d", listed-1) {
		t.Errorf("newest item %q", f.Items[0].Title)
	}
	for _, it := range f.Items {
		var n int
		if _, err := fmt.Sscanf(it.Title, "Item %d", &n); err == nil && n < listed-10 {
			t.Errorf("old item %q stored: keep must keep the newest", it.Title)
		}
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if len(line) > 8<<10 {
			t.Errorf("log line of %d bytes: %.200q", len(line), line)
		}
	}
}
