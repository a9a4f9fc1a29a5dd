package fulltext

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// TestCraftedPageRefused is issue 8's crafted page: 10 MB of small
// elements, which readability would chew on for tens of CPU-seconds past
// the deadline, is refused by the element budget; the item keeps its teaser
// and the warning says why. A real article page beside it is extracted.
func TestCraftedPageRefused(t *testing.T) {
	crafted := "<html><body>" + strings.Repeat("<div><div>a, b</div><p>x, y, z</p></div>", 10<<20/40) + "</body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/crafted" {
			w.Write([]byte(crafted))
			return
		}
		w.Write([]byte(`<html><body><article><p>` + strings.Repeat("A real paragraph, with words. ", 20) + `</p></article></body></html>`))
	}))
	defer srv.Close()
	src, err := Wrap(static{teaser(srv.URL + "/crafted"), teaser(srv.URL + "/real")}, Options{
		Client: sources.NewClient(sources.ClientOptions{Timeout: 10 * time.Second, MaxBody: 16 << 20}),
		Site:   srv.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(crafted) < 10<<20-100 {
		t.Fatalf("crafted page of %d bytes", len(crafted))
	}
	if res.Items[0].Content != "Teaser." || len(res.Warnings) != 1 ||
		!strings.Contains(res.Warnings[0], "page has more than 50000 elements: not extracted") {
		t.Errorf("crafted page: content %.80q, warnings %q", res.Items[0].Content, res.Warnings)
	}
	if !strings.Contains(res.Items[1].Content, "A real paragraph") {
		t.Errorf("real page: content %q", res.Items[1].Content)
	}
}

func TestWithinBudget(t *testing.T) {
	x := newExtractor(nil)
	for _, n := range []int{maxElements - 10, maxElements + 1} {
		// html, head and body count too: 3 elements beyond the spans.
		page := "<p>" + strings.Repeat("<span>word, </span>", n-4) + "</p>"
		_, err := x.extract(context.Background(), []byte(page), "http://e.example/", "", time.Now())
		refused := err != nil && strings.Contains(err.Error(), "elements")
		if refused != (n > maxElements) {
			t.Errorf("%d elements: err %v", n, err)
		}
	}
}
