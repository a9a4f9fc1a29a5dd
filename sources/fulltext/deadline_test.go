package fulltext

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

func knownAll(context.Context, string) bool { return true }

// TestDeadlineKeepsListing: with no room left for a page fetch before the
// fetch's deadline, the listing still comes back, with teasers, one warning,
// and the skipped pages are fetched on the next run although known.
func TestDeadlineKeepsListing(t *testing.T) {
	s := newSite(t)
	a, b := s.URL+"/en/news/a.html", s.URL+"/en/news/b.html"
	src := wrap(t, static{teaser(a), teaser(b)}, "") // client timeout 10s

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := src.Fetch(ctx, sources.Request{})
	if err != nil {
		t.Fatalf("the listing must survive the page deadline: %v", err)
	}
	if len(res.Items) != 2 || res.Items[0].Content != "Teaser." || res.Items[1].Content != "Teaser." {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != "full text: 2 pages not fetched: deadline" {
		t.Errorf("warnings %q", res.Warnings)
	}
	if n := s.hitsOf("/en/news/a.html"); n != 0 {
		t.Errorf("page fetched %d times with no time for it", n)
	}

	// Next run: the store knows both items, but their pages were skipped.
	res, err = src.Fetch(context.Background(), sources.Request{Known: knownAll})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if !strings.Contains(it.Content, body[0]) {
			t.Errorf("skipped item %s not retried: content %q", it.ID, it.Content)
		}
	}
	// Extracted now: known items are left alone again.
	res, err = src.Fetch(context.Background(), sources.Request{Known: knownAll})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Content != "" || s.hitsOf("/en/news/a.html") != 1 {
		t.Errorf("content %q after %d fetches: extracted items must not be refetched",
			res.Items[0].Content, s.hitsOf("/en/news/a.html"))
	}
}

// TestSlowHostKeepsListing: an article host that never answers costs at
// most the fetch's budget; the listing is returned, not an error.
func TestSlowHostKeepsListing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // hang until the client gives up
	}))
	defer srv.Close()
	var items static
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		items = append(items, teaser(srv.URL+"/"+p))
	}
	const timeout = 50 * time.Millisecond
	src, err := Wrap(items, Options{Client: sources.NewClient(sources.ClientOptions{Timeout: timeout}), Concurrency: 1, Site: loopSite})
	if err != nil {
		t.Fatal(err)
	}
	// The scheduler's budget: five client timeouts for the whole fetch.
	ctx, cancel := context.WithTimeout(context.Background(), 5*timeout)
	defer cancel()
	res, err := src.Fetch(ctx, sources.Request{})
	if err != nil {
		t.Fatalf("a slow article host failed the fetch: %v", err)
	}
	if len(res.Items) != len(items) {
		t.Fatalf("%d items, want %d", len(res.Items), len(items))
	}
	for _, it := range res.Items {
		if it.Content != "Teaser." {
			t.Errorf("item %s content %q", it.ID, it.Content)
		}
	}
	last := res.Warnings[len(res.Warnings)-1]
	if !strings.HasPrefix(last, "full text: ") || !strings.HasSuffix(last, " pages not fetched: deadline") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestFailedPageRetried: a page that failed is fetched again on the next
// run even though the item is stored, and the teaser is sent meanwhile.
func TestFailedPageRetried(t *testing.T) {
	page, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	var up atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write(page)
	}))
	defer srv.Close()
	src := wrap(t, static{teaser(srv.URL + "/a")}, "")

	// Run 1 sees a new item, run 2 a stored one; both must try the page.
	for run, known := range []func(context.Context, string) bool{nil, knownAll} {
		res, err := src.Fetch(context.Background(), sources.Request{Known: known})
		if err != nil {
			t.Fatal(err)
		}
		if res.Items[0].Content != "Teaser." || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "502") {
			t.Errorf("run %d: content %q warnings %q: want the teaser and a warning", run, res.Items[0].Content, res.Warnings)
		}
	}
	up.Store(true)
	res, err := src.Fetch(context.Background(), sources.Request{Known: knownAll})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Items[0].Content, body[0]) || len(res.Warnings) != 0 {
		t.Errorf("after recovery: content %q warnings %q", res.Items[0].Content, res.Warnings)
	}
}

func TestRetrySetBounded(t *testing.T) {
	r := newRetrySet(3)
	for _, id := range []string{"a", "b", "c", "d"} {
		r.add(id)
	}
	if r.has("a") || !r.has("b") || !r.has("d") {
		t.Errorf("oldest not forgotten: %v", r.ids)
	}
	for i := 0; i < 100; i++ {
		r.add("x")
		r.remove("x")
	}
	if len(r.order) > 2*len(r.ids)+16 || r.has("x") {
		t.Errorf("order grew to %d for %d ids", len(r.order), len(r.ids))
	}
}
