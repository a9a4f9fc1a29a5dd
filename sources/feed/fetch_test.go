package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

var fetchNow = time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)

func newSource(url string) *Source {
	now := func() time.Time { return fetchNow }
	return New(Options{URL: url, Client: sources.NewClient(sources.ClientOptions{Now: now}), Now: now})
}

func TestFetch(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "rss20.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const etag = `"abc"`
	var gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.Header.Get("User-Agent")
		if r.Header.Get("If-None-Match") == etag {
			w.Header().Set("Cache-Control", "max-age=7200")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Tue, 05 Mar 2024 11:00:00 GMT")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer srv.Close()
	src := newSource(srv.URL + "/feeds/world.rss")

	res, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || len(res.Items) != 4 {
		t.Fatalf("first fetch: NotModified=%v, %d items", res.NotModified, len(res.Items))
	}
	if res.ETag != etag || res.LastModified != "Tue, 05 Mar 2024 11:00:00 GMT" {
		t.Errorf("validators = %q %q", res.ETag, res.LastModified)
	}
	// ttl 45m beats max-age 10m.
	if want := fetchNow.Add(45 * time.Minute); !res.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", res.NotBefore, want)
	}
	// Relative links resolve against the site link, itself relative to the
	// final feed URL.
	if want := srv.URL + "/news/2024/03/summit.html"; res.Items[0].Link != want {
		t.Errorf("link = %q, want %q", res.Items[0].Link, want)
	}
	if gotUA != sources.DefaultUserAgent {
		t.Errorf("User-Agent = %q", gotUA)
	}

	res, err = src.Fetch(context.Background(), sources.Request{ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || len(res.Items) != 0 || res.ETag != etag {
		t.Errorf("second fetch = %+v, want NotModified with the ETag kept", res)
	}
	if want := fetchNow.Add(2 * time.Hour); !res.NotBefore.Equal(want) {
		t.Errorf("304 NotBefore = %v, want %v", res.NotBefore, want)
	}
}

func TestFetchCacheHintBeatsTTL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=7200")
		fmt.Fprint(w, `<rss version="2.0"><channel><ttl>5</ttl><item><link>https://x.org/1</link></item></channel></rss>`)
	}))
	defer srv.Close()
	res, err := newSource(srv.URL).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if want := fetchNow.Add(2 * time.Hour); !res.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", res.NotBefore, want)
	}
}

// TestFetchFutureDates checks that an item dated years ahead does not stay
// on top of every merged feed: its date is dropped (the store then uses the
// time it was first seen), while a small clock skew is tolerated.
func TestFetchFutureDates(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>F</title>
			<item><link>https://x.org/1</link><title>Far</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>
			<item><link>https://x.org/2</link><title>Skewed</title><pubDate>Tue, 05 Mar 2024 12:30:00 GMT</pubDate></item>
			<item><link>https://x.org/3</link><title>Past</title><pubDate>Mon, 04 Mar 2024 08:00:00 GMT</pubDate></item>
			</channel></rss>`)
	}))
	defer srv.Close()
	res, err := newSource(srv.URL).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{{}, fetchNow.Add(30 * time.Minute), time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)}
	if len(res.Items) != len(want) {
		t.Fatalf("got %d items, want %d", len(res.Items), len(want))
	}
	for i, it := range res.Items {
		if !it.Published.Equal(want[i]) {
			t.Errorf("%s: published %v, want %v", it.Title, it.Published, want[i])
		}
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{
			name: "429",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "300")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			check: func(t *testing.T, err error) {
				if want := fetchNow.Add(5 * time.Minute); !sources.NotBefore(err).Equal(want) {
					t.Errorf("NotBefore = %v, want %v", sources.NotBefore(err), want)
				}
			},
		},
		{
			name: "500",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
			},
			check: func(t *testing.T, err error) {
				var he *sources.HTTPError
				if !errors.As(err, &he) || he.StatusCode != 500 {
					t.Errorf("err = %v, want HTTPError 500", err)
				}
			},
		},
		{
			name: "not a feed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "<html><body>hello</body></html>")
			},
			check: func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "parse feed") {
					t.Errorf("err = %v, want a parse error", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, err := newSource(srv.URL+"/f").Fetch(context.Background(), sources.Request{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), srv.URL+"/f") {
				t.Errorf("error %q does not name the URL", err)
			}
			tt.check(t, err)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"a","content_text":"x"}]}`)
	}))
	defer srv.Close()
	res, err := New(Options{URL: srv.URL}).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].ID != "a" {
		t.Errorf("items = %+v", res.Items)
	}
}

// TestFetchDeepNestingFails is issue 8's hostile feed end to end: an item
// nesting 300,000 elements (3.3 MB) served over HTTP fails the fetch with a
// clear error, and a repaired, truncated feed is fetched with a warning.
func TestFetchDeepNestingFails(t *testing.T) {
	const depth = 300_000
	deep := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>deep</title><description>` +
		strings.Repeat("<x>", depth) + strings.Repeat("</x>", depth) + `</description></item></channel></rss>`
	cut := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><guid>a</guid><title>kept</title></item><item><guid>b</guid><title>also kept</title><description><![CDATA[cut`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		if r.URL.Path == "/deep.rss" {
			fmt.Fprint(w, deep)
			return
		}
		fmt.Fprint(w, cut)
	}))
	defer srv.Close()
	_, err := newSource(srv.URL+"/deep.rss").Fetch(context.Background(), sources.Request{})
	if !errors.Is(err, ErrTooDeep) || !strings.Contains(err.Error(), "/deep.rss") {
		t.Errorf("deep feed: err = %v, want ErrTooDeep naming the URL", err)
	}
	res, err := newSource(srv.URL+"/cut.rss").Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "ill-formed XML") {
		t.Errorf("cut feed: %d items, warnings %q", len(res.Items), res.Warnings)
	}
}
