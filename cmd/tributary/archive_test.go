package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchiveEndToEnd serves an archived feed of pages of one item from the
// daemon: the current document links the newest page, the pages link each
// other and answer conditional GETs, and a page that does not exist is 404.
func TestArchiveEndToEnd(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	sources := "  - {name: wire, url: " + up.srv.URL + "/rss2.xml}\n"
	feeds := "  - {slug: hist, title: History, sources: [wire], limit: 1, archive: true}\n"
	writeFile(t, path, daemonConfig(dir, "", sources, feeds))
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	waitFetched(t, base, "wire")

	var current string
	waitFor(t, "the current document to link an archive page", func() bool {
		_, body := get(t, base+"/feeds/hist.atom")
		current = string(body)
		return strings.Contains(current, `rel="prev-archive"`)
	})
	// Three items, pages of one, at least one left current: pages 1 and 2.
	if !strings.Contains(current, `href="http://feeds.test/feeds/hist/archive/2.atom" rel="prev-archive"`) {
		t.Fatalf("current document does not link page 2:\n%s", current)
	}
	for _, n := range []string{"1", "2"} {
		resp, body := get(t, base+"/feeds/hist/archive/"+n+".atom")
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<archive xmlns="http://purl.org/syndication/history/1.0">`) ||
			!strings.Contains(string(body), `rel="current"`) || strings.Count(string(body), "<entry>") != 1 {
			t.Fatalf("page %s: %d\n%s", n, resp.StatusCode, body)
		}
		etag := resp.Header.Get("ETag")
		if resp, _ := get(t, base+"/feeds/hist/archive/"+n+".atom", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("page %s with its ETag: %d, want 304", n, resp.StatusCode)
		}
	}
	if resp, _ := get(t, base+"/feeds/hist/archive/3.atom"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page 3: %d, want 404", resp.StatusCode)
	}
	if resp, body := get(t, base+"/feeds/hist/archive/1.json"); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"archive": true`) {
		t.Errorf("page 1 as JSON Feed: %d\n%s", resp.StatusCode, body)
	}
}
