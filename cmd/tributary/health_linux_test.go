package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestFullDiskVisible is issue 8's item 5 end to end: when the store's
// writes fail, /status, /status.json and /metrics say so and /readyz
// answers 503, while feeds keep serving their last render; once writes
// succeed again, all is back. The full disk is real to SQLite: a file size
// limit (RLIMIT_FSIZE, which Go's runtime lets fail with EFBIG instead of
// killing the process) makes every write past the first KiB of any file
// fail, much as ENOSPC would.
func TestFullDiskVisible(t *testing.T) {
	var items atomic.Int64
	items.Store(2)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x.example/</link><description>d</description>`)
		for i := range items.Load() {
			fmt.Fprintf(w, `<item><title>Story %d</title><link>http://x.example/%d</link><description>%s</description></item>`, i, i, strings.Repeat("text ", 2000))
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer up.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, e2eToken, "  - {name: wire, url: "+up.URL+"/feed.xml}\n",
		"  - {slug: all, title: All, sources: [wire]}\n"))
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger, RefreshInterval: -1})
	base := m.URL()
	waitFeed(t, base, 2)
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	waitFor(t, "ready", func() bool { r, _ := get(t, base+"/readyz"); return r.StatusCode == 200 })

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	full := syscall.Rlimit{Cur: 1024, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &full); err != nil {
		t.Fatal(err)
	}
	restored := false
	restore := func() {
		if !restored {
			restored = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer restore()

	items.Store(3)
	refresh := func() {
		t.Helper()
		if r, _ := do(t, http.MethodPost, base+"/admin/sources/wire/refresh", "Authorization", "Bearer "+e2eToken); r.StatusCode != http.StatusAccepted {
			t.Fatalf("refresh: %d", r.StatusCode)
		}
	}
	refresh()
	waitFor(t, "readyz 503 with the disk full", func() bool { r, _ := get(t, base+"/readyz"); return r.StatusCode == 503 })
	_, js := get(t, base+"/status.json")
	// SQLite reports EFBIG as an I/O error (ENOSPC would be "disk full").
	if !strings.Contains(string(js), `"ok": false`) || !strings.Contains(string(js), `"problem": "write failed"`) {
		t.Errorf("/status.json does not show the full disk:\n%s", js)
	}
	if _, page := get(t, base+"/status"); !strings.Contains(string(page), "Store: writes failing (write failed)") {
		t.Errorf("/status does not show the full disk")
	}
	if v, _ := value(scrape(t, base), "tributary_store_healthy", nil); v != 0 {
		t.Errorf("tributary_store_healthy = %v, want 0", v)
	}
	if r, body := get(t, base+"/feeds/all.json"); r.StatusCode != 200 || strings.Count(string(body), `"id"`) != 2 {
		t.Errorf("feed with the disk full: %d, want the last render of 2 items:\n%.300s", r.StatusCode, body)
	}

	restore()
	refresh()
	waitFor(t, "readyz 200 once writes succeed", func() bool { r, _ := get(t, base+"/readyz"); return r.StatusCode == 200 })
	waitFeed(t, base, 3)
	if v, _ := value(scrape(t, base), "tributary_store_healthy", nil); v != 1 {
		t.Errorf("tributary_store_healthy = %v, want 1", v)
	}
}
