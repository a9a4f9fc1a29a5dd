package feed

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/tributaryfeeds/tributary/sources"
)

func TestCategories(t *testing.T) {
	got := categories([]string{" Go ", "go", "", "  ", "Feeds\n and  more", "feeds and more", "rss"})
	want := []string{"Go", "Feeds and more", "rss"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("categories = %q, want %q", got, want)
	}
}

func TestItemID(t *testing.T) {
	tests := []struct {
		name string
		gi   gofeed.Item
		want string
	}{
		{"guid", gofeed.Item{GUID: " g1 ", Link: "https://a.org/1"}, "g1"},
		{"link", gofeed.Item{Link: "/1"}, "https://a.org/1"},
		{"hash", gofeed.Item{Title: "T", Content: "C"}, hashHex("TC")},
		{"hash of summary", gofeed.Item{Title: "T", Description: "S"}, hashHex("TS")},
		{"nothing", gofeed.Item{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeItem(&tt.gi, extra{}, mustURL(t, "https://a.org/"), time.Time{}).ID; got != tt.want {
				t.Errorf("ID = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizeDates(t *testing.T) {
	pub := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	upd := pub.Add(time.Hour)
	now := time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC)
	skewed := now.Add(30 * time.Minute)
	future := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		gi        gofeed.Item
		published time.Time
		updated   time.Time
	}{
		{"both", gofeed.Item{Link: "https://a/", PublishedParsed: &pub, UpdatedParsed: &upd}, pub.UTC(), upd.UTC()},
		{"updated only", gofeed.Item{Link: "https://a/", UpdatedParsed: &upd}, upd.UTC(), upd.UTC()},
		{"none", gofeed.Item{Link: "https://a/"}, time.Time{}, time.Time{}},
		{"clock skew kept", gofeed.Item{Link: "https://a/", PublishedParsed: &skewed}, skewed, time.Time{}},
		// The store then dates it by when it was first seen: the fetch time, once.
		{"far future dropped", gofeed.Item{Link: "https://a/", PublishedParsed: &future}, time.Time{}, time.Time{}},
		{"future published, past updated", gofeed.Item{Link: "https://a/", PublishedParsed: &future, UpdatedParsed: &upd}, upd.UTC(), upd.UTC()},
		{"future updated", gofeed.Item{Link: "https://a/", PublishedParsed: &pub, UpdatedParsed: &future}, pub.UTC(), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := normalizeItem(&tt.gi, extra{}, nil, now)
			if !it.Published.Equal(tt.published) || !it.Updated.Equal(tt.updated) {
				t.Errorf("dates = %v %v, want %v %v", it.Published, it.Updated, tt.published, tt.updated)
			}
			if it.Published.Location() != time.UTC || it.Updated.Location() != time.UTC {
				t.Error("dates not in UTC")
			}
		})
	}
}

func TestNormalizeItemsSkipsEmptyAndInheritsAuthors(t *testing.T) {
	in := []*gofeed.Item{nil, {}, {Title: "kept"}, {Title: "own", Authors: []*gofeed.Person{{Name: "Own"}}}}
	got := normalizeItems(in, nil, nil, []*gofeed.Person{{Name: "Feed", Email: "f@a.org"}}, time.Time{})
	if len(got) != 2 {
		t.Fatalf("got %d items, want 2", len(got))
	}
	if want := []sources.Author{{Name: "Feed", Email: "f@a.org"}}; !reflect.DeepEqual(got[0].Authors, want) {
		t.Errorf("inherited authors = %+v", got[0].Authors)
	}
	if got[1].Authors[0].Name != "Own" {
		t.Errorf("own authors = %+v", got[1].Authors)
	}
}

func TestNormalizeTitleFromText(t *testing.T) {
	long := "<p>The harbour authority said on Tuesday that the new wind farm would supply forty thousand homes.</p>"
	tests := []struct {
		name string
		gi   gofeed.Item
		want string
	}{
		{"own title", gofeed.Item{Title: "Own", Description: "Summary"}, "Own"},
		{"from summary", gofeed.Item{Description: long, Content: "<p>Other</p>"}, "The harbour authority said on Tuesday that the new wind farm would supply forty…"},
		{"from content", gofeed.Item{Content: "<p>Ships return.</p>"}, "Ships return."},
		{"nothing", gofeed.Item{Link: "https://a/"}, ""},
	}
	for _, tt := range tests {
		tt.gi.GUID = "g"
		if got := normalizeItem(&tt.gi, extra{}, nil, time.Time{}); got.Title != tt.want || got.ID != "g" {
			t.Errorf("%s: title %q id %q, want %q", tt.name, got.Title, got.ID, tt.want)
		}
	}
	// An item without GUID or link keeps the id it had before it got a title.
	gi := gofeed.Item{Description: "Ships return."}
	if got := normalizeItem(&gi, extra{}, nil, time.Time{}); got.ID != hashHex("Ships return.") {
		t.Errorf("id %q changed", got.ID)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
