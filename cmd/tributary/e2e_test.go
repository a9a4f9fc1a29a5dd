package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// upstream serves the fixtures in testdata/upstream with ETags, and counts
// the requests for each path and those answered 304.
type upstream struct {
	srv *httptest.Server

	// gate, when set before the first request, holds every response
	// until it is closed.
	gate chan struct{}

	mu          sync.Mutex
	hits        map[string]int
	notModified map[string]int
}

var upstreamFiles = map[string]string{
	"/rss2.xml":   "application/rss+xml",
	"/rss1.xml":   "application/rdf+xml",
	"/atom.xml":   "application/atom+xml",
	"/feed.json":  "application/feed+json",
	"/latin1.xml": "application/rss+xml",
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{hits: map[string]int{}, notModified: map[string]int{}}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	if u.gate != nil {
		select {
		case <-u.gate:
		case <-r.Context().Done():
			return
		}
	}
	ctype, ok := upstreamFiles[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	body, err := os.ReadFile(filepath.Join("testdata", "upstream", r.URL.Path))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	body = bytes.ReplaceAll(body, []byte("{{BASE}}"), []byte(u.srv.URL))
	etag := fmt.Sprintf(`"%x"`, len(body))
	u.mu.Lock()
	u.hits[r.URL.Path]++
	inm := r.Header.Get("If-None-Match")
	if inm == etag {
		u.notModified[r.URL.Path]++
	}
	u.mu.Unlock()
	w.Header().Set("ETag", etag)
	if inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}

func (u *upstream) count(m map[string]int, path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return m[path]
}

const e2eToken = "e2e-admin-token-0123456789"

func writeConfig(t *testing.T, dir, upstreamURL string) string {
	t.Helper()
	srcs := strings.ReplaceAll(`  - {name: wire,  url: UP/rss2.xml, tags: [all]}
  - {name: rdf,   url: UP/rss1.xml, tags: [all]}
  - {name: atom,  url: UP/atom.xml, tags: [all]}
  - {name: json,  url: UP/feed.json, tags: [all]}
  - {name: latin, url: UP/latin1.xml, tags: [all]}
`, "UP", upstreamURL)
	feeds := "  - {slug: all, title: Everything, sources: [\"tag:all\"]}\n"
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, e2eToken, srcs, feeds))
	return path
}

// jsonFeed is the part of JSON Feed 1.1 the end-to-end test reads.
type jsonFeed struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	FeedURL string `json:"feed_url"`
	Items   []struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		ContentHTML   string   `json:"content_html"`
		DatePublished string   `json:"date_published"`
		Tags          []string `json:"tags"`
		Authors       []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"items"`
}

// waitFeed polls the JSON feed until it has n items: ingest is asynchronous.
func waitFeed(t *testing.T, base string, n int) jsonFeed {
	t.Helper()
	var f jsonFeed
	reached := false
	defer func() {
		if !reached { // waitFor failed the test: say what was served
			t.Logf("the last feed had %d items: %+v", len(f.Items), f.Items)
		}
	}()
	waitFor(t, fmt.Sprintf("the feed to reach %d items", n), func() bool {
		resp, body := get(t, base+"/feeds/all.json")
		if resp.StatusCode != http.StatusOK {
			return false
		}
		f = jsonFeed{}
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatalf("decode JSON feed: %v\n%s", err, body)
		}
		return len(f.Items) == n
	})
	reached = true
	return f
}

var wantTitles = []string{
	"Undated wire story", // no date: its first-seen time, now
	"JSON item",
	"Atom entry with a relative link",
	"Harbour opens &amp; more",
	"RDF item",
	"Shared story",
	"Café crème à Zürich",
}

func TestEndToEnd(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, up.srv.URL)
	m := open(t, &Main{ConfigPath: cfgPath})
	base := m.URL()

	feed := waitFeed(t, base, len(wantTitles))
	checkJSONFeed(t, feed, up.srv.URL)

	t.Run("formats", func(t *testing.T) { checkFormats(t, base) })
	t.Run("conditional", func(t *testing.T) { checkConditional(t, base) })
	t.Run("gzip and HEAD", func(t *testing.T) { checkGzipHead(t, base) })
	t.Run("real clients", func(t *testing.T) { checkRealClients(t, base, len(wantTitles)) })

	// The upstream sees conditional requests once validators are stored.
	resp, _ := do(t, http.MethodPost, base+"/admin/sources/wire/refresh", "Authorization", "Bearer "+e2eToken)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("admin refresh: status %d, want 202", resp.StatusCode)
	}
	waitFor(t, "a conditional request for rss2.xml answered 304", func() bool {
		return up.count(up.notModified, "/rss2.xml") > 0
	})

	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	// Restart with the upstream gone: nothing stored is lost, ids and the
	// undated item's first-seen date stay as they were.
	up.srv.Close()
	m2 := open(t, &Main{ConfigPath: cfgPath})
	again := waitFeed(t, m2.URL(), len(wantTitles))
	for i := range feed.Items {
		a, b := feed.Items[i], again.Items[i]
		if a.ID != b.ID || a.DatePublished != b.DatePublished || a.Title != b.Title {
			t.Errorf("item %d changed across restart:\n before %s %s %q\n after  %s %s %q",
				i, a.ID, a.DatePublished, a.Title, b.ID, b.DatePublished, b.Title)
		}
	}
}

func checkJSONFeed(t *testing.T, f jsonFeed, upstreamURL string) {
	t.Helper()
	if f.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version = %q", f.Version)
	}
	if f.FeedURL != "http://feeds.test/feeds/all.json" {
		t.Errorf("feed_url = %q", f.FeedURL)
	}
	if f.Title != "Everything" {
		t.Errorf("title = %q, want the configured Everything", f.Title)
	}
	var titles []string
	for _, it := range f.Items {
		// JSON carries the plain title; "&amp;" in the want list is the
		// XML spelling, decoded here.
		titles = append(titles, it.Title)
		if it.ContentHTML == "" {
			t.Errorf("item %q has no content_html", it.Title)
		}
		if it.ID == "" {
			t.Errorf("item %q has no id", it.Title)
		}
	}
	want := make([]string, len(wantTitles))
	for i, w := range wantTitles {
		want[i] = strings.ReplaceAll(w, "&amp;", "&")
	}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Errorf("titles, newest first:\n got %q\nwant %q", titles, want)
	}
	byTitle := map[string]int{}
	for i, it := range f.Items {
		byTitle[it.Title] = i
	}
	hostile := f.Items[byTitle["Harbour opens & more"]]
	for _, bad := range []string{"<script", "onclick", "javascript:", "<iframe", "onerror"} {
		if strings.Contains(hostile.ContentHTML, bad) {
			t.Errorf("hostile HTML kept %q: %s", bad, hostile.ContentHTML)
		}
	}
	for _, good := range []string{`href="` + upstreamURL + `/rel/page"`, `src="` + upstreamURL + `/news/img/a.png"`} {
		if !strings.Contains(hostile.ContentHTML, good) {
			t.Errorf("want absolute %s in %s", good, hostile.ContentHTML)
		}
	}
	if got := hostile.URL; got != upstreamURL+"/news/a.html" {
		t.Errorf("relative item link resolved to %q", got)
	}
	atom := f.Items[byTitle["Atom entry with a relative link"]]
	if atom.URL != upstreamURL+"/atom/e.html" {
		t.Errorf("xml:base link resolved to %q", atom.URL)
	}
	if !strings.Contains(atom.ContentHTML, `href="`+upstreamURL+`/atom/more.html"`) {
		t.Errorf("atom content link not absolute: %s", atom.ContentHTML)
	}
	if j := f.Items[byTitle["JSON item"]]; j.DatePublished != "2026-11-22T07:00:00Z" {
		t.Errorf("JSON item date = %q, want UTC 2026-11-22T07:00:00Z", j.DatePublished)
	}
	// Authors and categories survive from every upstream format.
	for _, tc := range []struct{ title, author, tag string }{
		{"JSON item", "Alan Turing", "computing"},
		{"Atom entry with a relative link", "Grace Hopper", "science"},
		{"RDF item", "Ada Lovelace", ""},
	} {
		it := f.Items[byTitle[tc.title]]
		if len(it.Authors) != 1 || it.Authors[0].Name != tc.author {
			t.Errorf("%q: authors %+v, want %s", tc.title, it.Authors, tc.author)
		}
		if tc.tag != "" && !slices.Equal(it.Tags, []string{tc.tag}) {
			t.Errorf("%q: tags %q, want [%s]", tc.title, it.Tags, tc.tag)
		}
	}
}

func checkFormats(t *testing.T, base string) {
	for _, tc := range []struct {
		path, ctype string
		contains    []string
	}{
		{"/feeds/all.rss", "application/rss+xml; charset=utf-8", []string{
			`<guid isPermaLink="false">`, `rel="self"`, "Harbour opens &amp; more", "Café crème à Zürich",
		}},
		{"/feeds/all.atom", "application/atom+xml; charset=utf-8", []string{
			`<id>`, `<updated>`, `rel="self"`, "Café crème à Zürich",
		}},
		{"/feeds/all.json", "application/feed+json; charset=utf-8", []string{`"items": [`}},
		{"/feeds/all", "application/atom+xml; charset=utf-8", nil},
	} {
		resp, body := get(t, base+tc.path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", tc.path, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		for _, h := range []string{"ETag", "Last-Modified", "Cache-Control"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", tc.path, h)
			}
		}
		for _, s := range tc.contains {
			if !bytes.Contains(body, []byte(s)) {
				t.Errorf("%s: body lacks %q", tc.path, s)
			}
		}
	}
	if resp, _ := get(t, base+"/feeds/nope.atom"); resp.StatusCode != 404 {
		t.Errorf("unknown slug: status %d, want 404", resp.StatusCode)
	}
}

func checkConditional(t *testing.T, base string) {
	resp, _ := get(t, base+"/feeds/all.atom")
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q is not strong", etag)
	}
	if r, body := get(t, base+"/feeds/all.atom", "If-None-Match", etag); r.StatusCode != 304 || len(body) != 0 {
		t.Errorf("If-None-Match: status %d, %d body bytes", r.StatusCode, len(body))
	}
	if r, _ := get(t, base+"/feeds/all.atom", "If-Modified-Since", lm); r.StatusCode != 304 {
		t.Errorf("If-Modified-Since: status %d", r.StatusCode)
	}
	// If-None-Match takes precedence over If-Modified-Since.
	if r, _ := get(t, base+"/feeds/all.atom", "If-None-Match", `"other"`, "If-Modified-Since", lm); r.StatusCode != 200 {
		t.Errorf("mismatched If-None-Match with matching If-Modified-Since: status %d, want 200", r.StatusCode)
	}
}

func checkGzipHead(t *testing.T, base string) {
	_, plain := get(t, base+"/feeds/all.rss")
	resp, body := get(t, base+"/feeds/all.rss", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain) {
		t.Error("gzip body differs from the identity body")
	}
	head, hbody := do(t, http.MethodHead, base+"/feeds/all.rss")
	if head.StatusCode != 200 || len(hbody) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", head.StatusCode, len(hbody))
	}
	if head.Header.Get("Content-Length") != fmt.Sprint(len(plain)) {
		t.Errorf("HEAD Content-Length %q, want %d", head.Header.Get("Content-Length"), len(plain))
	}
}
