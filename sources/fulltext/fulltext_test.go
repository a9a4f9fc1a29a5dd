package fulltext

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/html"
)

// site is an upstream with article pages; it counts hits per path.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T) *site {
	t.Helper()
	page, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/en/listing/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<ul><li><a href="../news/summit.html">Summit opens</a><p>Teaser.</p></li>
				<li><a href="../news/broken.html">Broken</a><p>Broken teaser.</p></li></ul>`))
		case strings.HasSuffix(r.URL.Path, "broken.html"):
			http.Error(w, "boom", http.StatusInternalServerError)
		case strings.HasSuffix(r.URL.Path, ".pdf"):
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.4"))
		case strings.HasPrefix(r.URL.Path, "/en/news/"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// static is a Source that yields copies of fixed items.
type static []sources.Item

func (st static) Fetch(context.Context, sources.Request) (*sources.Result, error) {
	return &sources.Result{Items: append([]sources.Item(nil), st...), ETag: `"e"`}, nil
}

func teaser(link string) sources.Item {
	return sources.Item{ID: link, Link: link, Title: "T", Summary: "Teaser.", Content: "Teaser."}
}

// loopSite stands for the configured URL of the sources under test: their
// pages are on the same (loopback) host, which the guard lets through.
const loopSite = "http://127.0.0.1/feed.xml"

func wrap(t *testing.T, src sources.Source, selector string) sources.Source {
	t.Helper()
	w, err := Wrap(src, Options{Client: sources.NewClient(sources.ClientOptions{Timeout: 10 * time.Second}), Selector: css(t, selector), Site: loopSite})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// boilerplate must never survive extraction.
var boilerplate = []string{
	"<script", "tracked", "trackRead", "<style", "<nav", "Contact us", "Share on Social", "Email this",
	"Subscribe to our newsletter", "<form", "Most read this week", "Follow us", "Related stories",
	"Earlier talks stalled", "Leave a comment", "3 comments", "Most popular", "Popular story",
	"promo codes", "All rights reserved", "Privacy", "<footer", "<aside",
}

// body must survive extraction.
var body = []string{
	"Delegates from forty countries arrived in Geneva",
	"shared early-warning systems",
	"draft agreement had been circulated",
	"joint statement expected in the afternoon",
}

func checkContent(t *testing.T, got, base string) {
	t.Helper()
	for _, s := range boilerplate {
		if strings.Contains(got, s) {
			t.Errorf("content keeps boilerplate %q", s)
		}
	}
	for _, s := range body {
		if !strings.Contains(got, s) {
			t.Errorf("content lacks body text %q", s)
		}
	}
	for _, s := range []string{
		`href="` + base + `/en/background/corridors.html"`,
		`src="` + base + `/en/news/img/delegates.jpg"`,
		base + `/en/news/img/delegates@2x.jpg 2x`,
	} {
		if !strings.Contains(got, s) {
			t.Errorf("content lacks absolute URL %q", s)
		}
	}
	if t.Failed() {
		t.Logf("content:\n%s", got)
	}
}

func TestTeaserReplaced(t *testing.T) {
	for _, tc := range []struct{ name, selector string }{{"readability", ""}, {"selector", "article .entry"}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t)
			link := s.URL + "/en/news/summit.html"
			res, err := wrap(t, static{teaser(link)}, tc.selector).Fetch(context.Background(), sources.Request{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings %q", res.Warnings)
			}
			it := res.Items[0]
			if it.Summary != "Teaser." || res.ETag != `"e"` {
				t.Errorf("summary %q etag %q: the wrapped result must pass through", it.Summary, res.ETag)
			}
			checkContent(t, it.Content, s.URL)
		})
	}
}

func TestKnownAndCachedNotRefetched(t *testing.T) {
	s := newSite(t)
	a, b := s.URL+"/en/news/a.html", s.URL+"/en/news/b.html"
	src := wrap(t, static{teaser(a), teaser(b), {ID: "no-link", Title: "No link", Content: "Own."}}, "")
	known := func(_ context.Context, id string) bool { return id == a }

	res, err := src.Fetch(context.Background(), sources.Request{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Content != "" {
		t.Errorf("known item content %q, want empty so the store keeps its copy", res.Items[0].Content)
	}
	if !strings.Contains(res.Items[1].Content, body[0]) {
		t.Errorf("new item content %q", res.Items[1].Content)
	}
	if res.Items[2].Content != "Own." {
		t.Errorf("item without link changed: %q", res.Items[2].Content)
	}
	if n := s.hitsOf("/en/news/a.html"); n != 0 {
		t.Errorf("known page fetched %d times", n)
	}

	// Without Known, the in-memory cache still spares the upstream.
	res, err = src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.hitsOf("/en/news/b.html"); n != 1 {
		t.Errorf("page b fetched %d times, want 1", n)
	}
	if n := s.hitsOf("/en/news/a.html"); n != 1 {
		t.Errorf("page a fetched %d times, want 1", n)
	}
	if !strings.Contains(res.Items[1].Content, body[0]) {
		t.Errorf("cached content %q", res.Items[1].Content)
	}
}

func TestFailuresKeepTeaser(t *testing.T) {
	s := newSite(t)
	good, broken, pdf := s.URL+"/en/news/ok.html", s.URL+"/en/news/broken.html", s.URL+"/en/news/doc.pdf"
	res, err := wrap(t, static{teaser(broken), teaser(good), teaser(pdf)}, "").Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatalf("a failing page must not fail the fetch: %v", err)
	}
	if res.Items[0].Content != "Teaser." || res.Items[2].Content != "Teaser." {
		t.Errorf("failed items lost their teaser: %q, %q", res.Items[0].Content, res.Items[2].Content)
	}
	if !strings.Contains(res.Items[1].Content, body[0]) {
		t.Errorf("good item not extracted")
	}
	if len(res.Warnings) != 2 ||
		!strings.Contains(res.Warnings[0], broken) || !strings.Contains(res.Warnings[0], "500") ||
		!strings.Contains(res.Warnings[1], pdf) || !strings.Contains(res.Warnings[1], "not an HTML page") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestSelectorMatchesNothing(t *testing.T) {
	s := newSite(t)
	link := s.URL + "/en/news/x.html"
	res, err := wrap(t, static{teaser(link)}, "div.story-body").Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Content != "Teaser." || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"div.story-body" matched nothing`) {
		t.Errorf("content %q warnings %q", res.Items[0].Content, res.Warnings)
	}
}

func TestWrapsHTMLSource(t *testing.T) {
	s := newSite(t)
	client := sources.NewClient(sources.ClientOptions{})
	sel, err := config.CompileSelect(config.Select{Item: "li", Title: "a", Link: "a@href", Summary: "p"})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := html.New(html.Options{URL: s.URL + "/en/listing/", Client: client, Select: sel})
	if err != nil {
		t.Fatal(err)
	}
	src, err := Wrap(inner, Options{Client: client, Selector: css(t, ".entry"), Site: s.URL + "/en/listing/"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || len(res.Warnings) != 1 {
		t.Fatalf("%d items, warnings %q", len(res.Items), res.Warnings)
	}
	checkContent(t, res.Items[0].Content, s.URL)
	if res.Items[1].Content != "" || res.Items[1].Summary != "Broken teaser." {
		t.Errorf("broken item: content %q summary %q", res.Items[1].Content, res.Items[1].Summary)
	}
}

func TestCancelled(t *testing.T) {
	s := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := wrap(t, static{teaser(s.URL + "/en/news/a.html")}, "").Fetch(ctx, sources.Request{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := s.hitsOf("/en/news/a.html"); n != 0 {
		t.Errorf("page fetched %d times after cancel", n)
	}
}

func TestConcurrencyBounded(t *testing.T) {
	const limit = 2
	var (
		mu       sync.Mutex
		inflight int
		peak     int
		release  = make(chan struct{})
		released bool
	)
	page, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		if inflight >= limit && !released {
			released = true
			close(release) // the first requests wait for each other, so overlap is certain
		}
		mu.Unlock()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.Write(page)
		mu.Lock()
		inflight--
		mu.Unlock()
	}))
	defer srv.Close()
	var items static
	for _, p := range []string{"a", "b", "c", "d", "e", "f"} {
		items = append(items, teaser(srv.URL+"/"+p))
	}
	src, err := Wrap(items, Options{Client: sources.NewClient(sources.ClientOptions{Timeout: 10 * time.Second}), Concurrency: limit, Selector: css(t, ".entry"), Site: loopSite})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	if peak != limit {
		t.Errorf("peak concurrency %d, want %d", peak, limit)
	}
}

func TestWrapErrors(t *testing.T) {
	client := sources.NewClient(sources.ClientOptions{})
	if _, err := Wrap(static{}, Options{}); err == nil || !strings.Contains(err.Error(), "client is required") {
		t.Errorf("no client: %v", err)
	}
	if _, err := Wrap(nil, Options{Client: client}); err == nil || !strings.Contains(err.Error(), "nil source") {
		t.Errorf("nil source: %v", err)
	}
}

func TestCacheBounds(t *testing.T) {
	c := newCache(2, 10)
	c.put("a", page{body: "1234"})
	c.put("b", page{body: "1234"})
	c.get("a") // a is now the most recent
	c.put("c", page{body: "1234"})
	if _, ok := c.get("b"); ok {
		t.Error("least recently used entry kept past the entry bound")
	}
	c.put("d", page{body: "123456789"})
	if _, ok := c.get("a"); ok {
		t.Error("entry kept past the byte bound")
	}
	c.put("huge", page{body: "12345678901"})
	if _, ok := c.get("huge"); ok {
		t.Error("body over the byte bound cached")
	}
	if c.bytes > 10 || c.ll.Len() != len(c.m) {
		t.Errorf("bytes %d, list %d, map %d", c.bytes, c.ll.Len(), len(c.m))
	}
}

// css compiles a content selector as the configuration does.
func css(t testing.TB, expr string) *config.Selector {
	t.Helper()
	sel, err := config.CompileCSS(expr)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// TestKeepSkipsDroppedPages: items beyond the fetch's keep bound are
// dropped before their pages are fetched.
func TestKeepSkipsDroppedPages(t *testing.T) {
	s := newSite(t)
	var items static
	for _, p := range []string{"a", "b", "c", "d"} {
		items = append(items, teaser(s.URL+"/en/news/"+p+".html"))
	}
	res, err := wrap(t, items, ".entry").Fetch(context.Background(), sources.Request{Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || res.Items[1].Link != s.URL+"/en/news/b.html" {
		t.Errorf("items %+v", res.Items)
	}
	if s.hitsOf("/en/news/c.html")+s.hitsOf("/en/news/d.html") != 0 {
		t.Error("pages of dropped items fetched")
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "listed 4 items") }) {
		t.Errorf("warnings %q", res.Warnings)
	}
}
