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
			if got := normalizeItem(&tt.gi, mustURL(t, "https://a.org/")).ID; got != tt.want {
				t.Errorf("ID = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizeDates(t *testing.T) {
	pub := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	upd := pub.Add(time.Hour)
	tests := []struct {
		name      string
		gi        gofeed.Item
		published time.Time
		updated   time.Time
	}{
		{"both", gofeed.Item{Link: "https://a/", PublishedParsed: &pub, UpdatedParsed: &upd}, pub.UTC(), upd.UTC()},
		{"updated only", gofeed.Item{Link: "https://a/", UpdatedParsed: &upd}, upd.UTC(), upd.UTC()},
		{"none", gofeed.Item{Link: "https://a/"}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := normalizeItem(&tt.gi, nil)
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
	got := normalizeItems(in, nil, []*gofeed.Person{{Name: "Feed", Email: "f@a.org"}})
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

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
