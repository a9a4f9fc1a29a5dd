package fulltext

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

var (
	ferryTitle = "Ferry service resumes after storm"
	ferryBody  = []string{"The ferry between the two harbours", "the northern landing", "ask for a refund at the harbour office"}
	ferryDate  = time.Date(2026, 11, 17, 5, 30, 0, 0, time.UTC)
	ferryNow   = time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
)

// serve answers every path with the file, as text/html; a path ending in
// "-future" gets the page with a published date years ahead.
func serve(t *testing.T, file string) *httptest.Server {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := b
		if strings.HasSuffix(r.URL.Path, "-future") {
			page = []byte(strings.Replace(string(b), "2026-11-17T06:30:00+01:00", "2100-01-01T00:00:00Z", 1))
		}
		w.Write(page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func wrapAt(t *testing.T, src sources.Source, selector string) sources.Source {
	t.Helper()
	w, err := Wrap(src, Options{
		Client:   sources.NewClient(sources.ClientOptions{Timeout: 10 * time.Second}),
		Selector: css(t, selector),
		Now:      func() time.Time { return ferryNow },
		Site:     loopSite,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPageBody(t *testing.T) {
	srv := serve(t, "testdata/headline.html")
	tests := []struct {
		name, selector string
		want, not      []string
	}{
		// readability keeps the headline (as <h2>) because <title> differs
		// from it; the item's title is what the reader already sees.
		{"readability", "", ferryBody, []string{"readability-page", `class="page"`, "Ferry service", "Share this", "Footer text"}},
		{"one container", "article.story", ferryBody, []string{"<h1", "Ferry service", "Share this"}},
		{"every match, in order", "article p", []string{
			"<p>The ferry between the two harbours",
			"</p>\n<p>The operator said",
			`<a href="` + srv.URL + `/pontoon">inspected</a>`,
			"</p>\n<p>Passengers with tickets",
		}, []string{"Footer text", "Share this"}},
		{"nested matches once", "article, article p", ferryBody, []string{"Share this"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := sources.Item{ID: "1", Link: srv.URL + "/ferry", Title: ferryTitle}
			res, err := wrapAt(t, static{item}, tt.selector).Fetch(context.Background(), sources.Request{})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Items[0].Content
			if len(res.Warnings) > 0 {
				t.Fatalf("warnings %q", res.Warnings)
			}
			for _, s := range tt.want {
				if !strings.Contains(got, s) {
					t.Errorf("content lacks %q", s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(got, s) {
					t.Errorf("content keeps %q", s)
				}
			}
			if strings.Count(got, ferryBody[0]) != 1 {
				t.Errorf("first paragraph appears %d times", strings.Count(got, ferryBody[0]))
			}
			if t.Failed() {
				t.Logf("content:\n%s", got)
			}
		})
	}
}

func TestPageMetadata(t *testing.T) {
	srv := serve(t, "testdata/headline.html")
	own := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	anna := []sources.Author{{Name: "Anna Berg"}}
	tests := []struct {
		name      string
		item      sources.Item
		published time.Time
		authors   []sources.Author
	}{
		{"taken from the page", sources.Item{}, ferryDate, anna},
		{"own kept", sources.Item{Published: own, Authors: []sources.Author{{Name: "Li Wei"}}}, own, []sources.Author{{Name: "Li Wei"}}},
		{"updated only counts as dated", sources.Item{Updated: own}, time.Time{}, anna},
		{"future page date dropped", sources.Item{Link: srv.URL + "/ferry-future"}, time.Time{}, anna},
	}
	for _, tt := range tests {
		for _, sel := range []string{"", "article.story"} {
			it := tt.item
			it.ID, it.Title = "1", ferryTitle
			if it.Link == "" {
				it.Link = srv.URL + "/ferry"
			}
			res, err := wrapAt(t, static{it}, sel).Fetch(context.Background(), sources.Request{})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Items[0]
			if !got.Published.Equal(tt.published) || !reflect.DeepEqual(got.Authors, tt.authors) {
				t.Errorf("%s (selector %q): published %v authors %+v, want %v %+v", tt.name, sel, got.Published, got.Authors, tt.published, tt.authors)
			}
		}
	}
}

// TestKnownItemKeepsPageMetadata checks that an item whose page is not
// fetched again still carries the date and authors it got from the page,
// or the store would see it change on every fetch.
func TestKnownItemKeepsPageMetadata(t *testing.T) {
	srv := serve(t, "testdata/headline.html")
	item := sources.Item{ID: "1", Link: srv.URL + "/ferry", Title: ferryTitle}
	src := wrapAt(t, static{item}, "")
	first, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	known := func(context.Context, string) bool { return true }
	again, err := src.Fetch(context.Background(), sources.Request{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	a, b := first.Items[0], again.Items[0]
	if b.Content != "" || !a.Published.Equal(b.Published) || !reflect.DeepEqual(a.Authors, b.Authors) || a.Published.IsZero() {
		t.Errorf("first %v %+v, then %v %+v (content %q)", a.Published, a.Authors, b.Published, b.Authors, b.Content)
	}
}
