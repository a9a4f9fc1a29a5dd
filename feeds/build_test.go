package feeds

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// testConfig returns a compiled configuration of three feed sources and
// the given feeds (a feed without a title is titled after its slug).
func testConfig(feeds ...config.Feed) *config.Config {
	c := rawConfig(feeds...)
	if err := c.Compile(); err != nil {
		panic(err) // a broken fixture, not a result
	}
	return c
}

// rawConfig is testConfig not compiled.
func rawConfig(feeds ...config.Feed) *config.Config {
	c := config.Default()
	c.Server.BaseURL = "http://127.0.0.1:8080/"
	c.Sources = []config.Source{
		{Name: "a", Kind: config.KindFeed, URL: "https://a.example/", Tags: []string{"world"}, Schedule: "*/15 * * * *"},
		{Name: "b", Kind: config.KindFeed, URL: "https://b.example/", Tags: []string{"world"}},
		{Name: "c", Kind: config.KindFeed, URL: "https://c.example/"},
	}
	for _, f := range feeds {
		if f.Title == "" {
			f.Title = f.Slug
		}
		c.Feeds = append(c.Feeds, f)
	}
	return &c
}

func item(source, id, link string, age time.Duration) sources.Item {
	return sources.Item{Source: source, ID: id, Link: link, Title: id, Published: fixtureTime.Add(-age)}
}

func ids(items []sources.Item) []string {
	out := make([]string, len(items))
	for i := range items {
		out[i] = items[i].Source + "/" + items[i].ID
	}
	return out
}

func TestBuildDedupe(t *testing.T) {
	st := &fakeStore{}
	st.add(
		item("a", "x1", "https://e.org/1?utm_source=a", 1*time.Minute),
		item("b", "y1", "HTTPS://E.ORG:443/1#top", 2*time.Minute), // same canonical link, older: dropped
		item("b", "x1", "https://other.org/x1", 3*time.Minute),    // same short local id from another source: kept
		item("c", "tag:e.org,2024:1", "https://c.org/1", 3*time.Minute),
		item("b", "tag:e.org,2024:1", "https://b.org/1", 3*time.Minute+time.Second), // same global id: b is configured before c, so b's copy wins
		item("c", "z", "https://e.org/1/", 4*time.Minute),                           // trailing slash differs: kept
		item("a", "nolink", "", 5*time.Minute),
		item("b", "nolink2", "", 6*time.Minute),
	)
	cfg := testConfig(config.Feed{Slug: "all", Sources: []string{"tag:world", "c"}})
	got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/x1", "b/x1", "b/tag:e.org,2024:1", "c/z", "a/nolink", "b/nolink2"}
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", ids(got), want)
	}
}

func TestBuildPagesThroughFilters(t *testing.T) {
	st := &fakeStore{}
	for i := range 100 {
		it := item("a", fmt.Sprintf("i%03d", i), fmt.Sprintf("https://e.org/%d", i), time.Duration(i)*time.Minute)
		if i%10 == 9 {
			it.Title = "keep me"
		}
		st.add(it)
	}
	cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a"}, Include: []string{"keep"}, Limit: 5})
	got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/i009", "a/i019", "a/i029", "a/i039", "a/i049"}
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", ids(got), want)
	}
	if q := st.queries.Load(); q < 2 || q > 6 {
		t.Errorf("%d store queries; want paging (2..6), never the whole store item by item", q)
	}
}

func TestBuildLimitAndMaxAge(t *testing.T) {
	st := &fakeStore{}
	for i := range 80 {
		st.add(item("a", fmt.Sprintf("i%03d", i), "", time.Duration(i)*time.Hour))
	}
	cfg := testConfig(
		config.Feed{Slug: "default", Sources: []string{"a"}},
		config.Feed{Slug: "young", Sources: []string{"a"}, MaxAge: config.Duration(10 * time.Hour)},
		config.Feed{Slug: "none", Sources: []string{"c"}},
	)
	tests := []struct {
		feed int
		want int
	}{{0, DefaultLimit}, {1, 11}, {2, 0}}
	for _, tt := range tests {
		got, err := Build(context.Background(), st, cfg, &cfg.Feeds[tt.feed], fixtureTime)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want {
			t.Errorf("feed %s: %d items, want %d", cfg.Feeds[tt.feed].Slug, len(got), tt.want)
		}
	}
}

func TestCacheControl(t *testing.T) {
	cfg := rawConfig()
	cfg.Sources = append(cfg.Sources,
		config.Source{Name: "fast", Kind: config.KindFeed, URL: "https://f.example/", Schedule: "@every 10s"},
		config.Source{Name: "slow", Kind: config.KindFeed, URL: "https://s.example/", Schedule: "@daily"})
	if err := cfg.Compile(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"a", "b"}, "public, max-age=900"},
		{[]string{"b"}, "public, max-age=1800"},
		{[]string{"fast"}, "public, max-age=60"},
		{[]string{"slow"}, "public, max-age=3600"},
		{nil, "public, max-age=3600"},
	}
	for _, tt := range tests {
		if got := cacheControl(cfg, tt.names); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.names, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, f := range formats {
		g, ok := ParseFormat(f.String())
		if !ok || g != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), g, ok)
		}
	}
	if _, ok := ParseFormat("xml"); ok {
		t.Error("ParseFormat(xml) ok")
	}
	for f, want := range map[Format]string{
		RSS:        "application/rss+xml; charset=utf-8",
		Atom:       "application/atom+xml; charset=utf-8",
		JSON:       "application/feed+json; charset=utf-8",
		numFormats: "application/octet-stream",
	} {
		if got := f.ContentType(); got != want {
			t.Errorf("%v.ContentType() = %q, want %q", f, got, want)
		}
	}
}

// TestBuildFiltersBeforeDedupe checks that an excluded copy of an article
// does not hide an included copy of it from another source.
func TestBuildFiltersBeforeDedupe(t *testing.T) {
	st := &fakeStore{}
	excluded := item("a", "x", "https://e.org/story", time.Minute)
	excluded.Title = "sponsored story"
	st.add(excluded, item("b", "x", "https://e.org/story?utm_medium=rss", time.Hour))
	cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b"}, Exclude: []string{"sponsored"}})
	got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(got)) != "[b/x]" {
		t.Errorf("got %v, want [b/x]", ids(got))
	}
}

// TestBuildDedupeKeepsWithinSource covers issue 14's losses: within a source
// the id identifies an item, and a link shared inside a source merges nothing.
func TestBuildDedupeKeepsWithinSource(t *testing.T) {
	st := &fakeStore{}
	st.add(
		// A podcast whose every episode links to the show's page.
		item("a", "ep3", "https://pod.example/show", 1*time.Minute),
		item("a", "ep2", "https://pod.example/show", 2*time.Minute),
		item("a", "ep1", "https://pod.example/show", 3*time.Minute),
		// A blog whose permalinks differ only by fragment.
		item("b", "post-2", "https://blog.example/2024/#post-2", 4*time.Minute),
		item("b", "post-1", "https://blog.example/2024/#post-1", 5*time.Minute),
		// Another source mentioning the show page once: the show page is not
		// that episode's identity in source a, so nothing merges.
		item("c", "mention", "https://pod.example/show", 6*time.Minute),
		// The same story through two sources, different GUIDs: merged.
		item("a", "wire-1", "https://news.example/story?utm_medium=rss", 7*time.Minute),
		item("c", "copy-of-1", "https://NEWS.example/story#comments", 8*time.Minute),
	)
	cfg := testConfig(config.Feed{Slug: "all", Sources: []string{"a", "b", "c"}})
	got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/ep3", "a/ep2", "a/ep1", "b/post-2", "b/post-1", "c/mention", "a/wire-1"}
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", ids(got), want)
	}
}

// TestBuildDedupeLimitAfterMerge checks that the limit counts kept items, so
// merged copies do not shorten the feed.
func TestBuildDedupeLimitAfterMerge(t *testing.T) {
	st := &fakeStore{}
	for i := range 20 {
		link := fmt.Sprintf("https://e.org/%d", i)
		st.add(item("a", fmt.Sprintf("a%02d", i), link, time.Duration(2*i)*time.Minute))
		st.add(item("b", fmt.Sprintf("b%02d", i), link, time.Duration(2*i+1)*time.Minute))
	}
	cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b"}, Limit: 10})
	got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("got %d items, want 10: %v", len(got), ids(got))
	}
	for i, it := range got {
		if want := fmt.Sprintf("a%02d", i); it.ID != want {
			t.Errorf("item %d = %s, want a/%s", i, it.Source+"/"+it.ID, want)
		}
	}
}

func TestGlobalID(t *testing.T) {
	for id, want := range map[string]bool{
		"42": false, "post-7": false, "": false, "x1": false,
		"https://e.org/?p=1": true, "tag:e.org,2024:1": true, "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66": true,
		"6e8bc430-9c3a-11d9-9669-0800200c9a66": true, "yt:video:dQw4w9WgXcQ": true, "c:": false,
	} {
		if got := globalID(id); got != want {
			t.Errorf("globalID(%q) = %v, want %v", id, got, want)
		}
	}
}
