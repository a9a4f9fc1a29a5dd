package html

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

func newTestSource(t *testing.T, url string, sel config.Select) *Source {
	t.Helper()
	s, err := New(Options{
		URL:      url,
		Select:   mustCompile(t, sel),
		Location: testLoc,
		Client:   sources.NewClient(sources.ClientOptions{Now: func() time.Time { return testNow }}),
		Now:      func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFetch(t *testing.T) {
	page, err := os.ReadFile("testdata/listing.html")
	if err != nil {
		t.Fatal(err)
	}
	const etag = `"v1"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/news/" {
			http.Redirect(w, r, "/news/", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "max-age=600")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()

	s := newTestSource(t, srv.URL+"/old", listingSelect)
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || len(res.Items) != 7 || res.ETag != etag {
		t.Fatalf("first fetch: notModified %v, %d items, etag %q", res.NotModified, len(res.Items), res.ETag)
	}
	// Links resolve against the final URL after the redirect, then <base>.
	if want := srv.URL + "/en/news/2026/summit-opens.html"; res.Items[0].Link != want {
		t.Errorf("link %q, want %q", res.Items[0].Link, want)
	}
	if want := testNow.Add(600 * time.Second); !res.NotBefore.Equal(want) {
		t.Errorf("NotBefore %v, want %v", res.NotBefore, want)
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings %q", res.Warnings)
	}
	// Of the nine <li>, counted on the page whatever parsing kept.
	wantMatches := []sources.Match{{Selector: "item", Count: 9}, {Selector: "title", Count: 8},
		{Selector: "link", Count: 7}, {Selector: "date", Count: 8}, {Selector: "summary", Count: 6},
		{Selector: "author", Count: 1}, {Selector: "image", Count: 1}}
	if !slices.Equal(res.Matches, wantMatches) {
		t.Errorf("matches %v, want %v", res.Matches, wantMatches)
	}
	if res.Status != http.StatusOK {
		t.Errorf("status %d, want 200", res.Status)
	}

	res, err = s.Fetch(context.Background(), sources.Request{ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusNotModified || res.Matches != nil {
		t.Errorf("second fetch: status %d, matches %v", res.Status, res.Matches)
	}
	if !res.NotModified || len(res.Items) != 0 || res.ETag != etag {
		t.Errorf("second fetch: notModified %v, %d items, etag %q", res.NotModified, len(res.Items), res.ETag)
	}
}

func TestFetchCharset(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte("<ul><li><a href=\"/c\">Caf\xe9 au lait</a></li></ul>"))
	}))
	defer srv.Close()
	res, err := newTestSource(t, srv.URL, config.Select{Item: "li", Title: "a", Link: "a@href"}).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Title != "Café au lait" {
		t.Errorf("items %+v, want one titled %q", res.Items, "Café au lait")
	}
}

func TestFetchErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.Write([]byte(`<html><body><p>We moved our news to a new site.</p></body></html>`))
	}))
	defer srv.Close()

	_, err := newTestSource(t, srv.URL+"/gone", listingSelect).Fetch(context.Background(), sources.Request{})
	var he *sources.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusGone {
		t.Errorf("error %v, want an *HTTPError 410", err)
	}

	_, err = newTestSource(t, srv.URL+"/redesigned", listingSelect).Fetch(context.Background(), sources.Request{})
	if err == nil || !strings.Contains(err.Error(), `select.item "ul.news li" matched nothing on `+srv.URL+"/redesigned") {
		t.Errorf("error %v, want select.item matched nothing", err)
	}
}

func TestNewErrors(t *testing.T) {
	client := sources.NewClient(sources.ClientOptions{})
	sel := mustCompile(t, config.Select{Item: "li", Title: "a", Link: "a@href"})
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no select", Options{URL: "https://x.example/", Client: client}, "select needs item, title and link"},
		{"no link", Options{URL: "https://x.example/", Client: client, Select: &config.Selectors{Item: sel.Item, Title: sel.Title}}, "select needs item, title and link"},
		{"no client", Options{URL: "https://x.example/", Select: sel}, "client is required"},
		{"no url", Options{Client: client, Select: sel}, "url is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
