package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// t0 is the suite's reference time: sub-second, so stores are seen to keep at
// least whole seconds.
var t0 = time.Date(2024, 3, 10, 12, 0, 0, 250_000_000, time.UTC)

// item returns a small dated item of source src.
func item(src, id string, published time.Time) sources.Item {
	return sources.Item{
		Source:    src,
		ID:        id,
		Link:      "https://example.org/" + src + "/" + id,
		Title:     "Title " + id,
		Summary:   "<p>Summary " + id + "</p>",
		Published: published,
	}
}

// series returns n items of src, one hour apart, newest first.
func series(src string, n int) []sources.Item {
	items := make([]sources.Item, n)
	for i := range items {
		items[i] = item(src, fmt.Sprintf("%s-%03d", src, i), t0.Add(-time.Duration(i)*time.Hour))
	}
	return items
}

func upsert(tb testing.TB, s store.Store, src string, items []sources.Item, now time.Time) store.UpsertStats {
	tb.Helper()
	st, err := s.Upsert(context.Background(), src, items, now)
	if err != nil {
		tb.Fatalf("Upsert(%s, %d items): %v", src, len(items), err)
	}
	return st
}

func query(tb testing.TB, s store.Store, q store.Query) []sources.Item {
	tb.Helper()
	items, err := s.Items(context.Background(), q)
	if err != nil {
		q.Sources = shortList(q.Sources)
		tb.Fatalf("Items(%+v): %v", q, err)
	}
	return items
}

// shortList keeps a failure message readable when a query names tens of
// thousands of sources: the first few, then how many more.
func shortList(names []string) []string {
	const show = 5
	if len(names) <= show {
		return names
	}
	return append(names[:show:show], fmt.Sprintf("(and %d more)", len(names)-show))
}

// one returns the stored item src/id, failing if it is not there.
func one(tb testing.TB, s store.Store, src, id string) sources.Item {
	tb.Helper()
	for _, it := range query(tb, s, store.Query{Sources: []string{src}}) {
		if it.ID == id {
			return it
		}
	}
	tb.Fatalf("item %s/%s not stored", src, id)
	return sources.Item{}
}

// sorted returns items in the suite's order: Date newest first, then source
// and ID ascending.
func sorted(items []sources.Item) []sources.Item {
	out := append([]sources.Item(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if da, db := a.Date(), b.Date(); !da.Equal(db) {
			return da.After(db)
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.ID < b.ID
	})
	return out
}

func keys(items []sources.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Source + "/" + it.ID
	}
	return out
}

func sameKeys(tb testing.TB, what string, got, want []sources.Item) {
	tb.Helper()
	if g, w := keys(got), keys(want); !reflect.DeepEqual(g, w) {
		tb.Errorf("%s:\n got %v\nwant %v", what, g, w)
	}
}

// sameTime reports whether a stored time matches want to the second, in UTC.
func sameTime(got, want time.Time) bool {
	if got.IsZero() || want.IsZero() {
		return got.IsZero() && want.IsZero()
	}
	return got.Location() == time.UTC && got.Truncate(time.Second).Equal(want.Truncate(time.Second))
}

// equalItem compares two items field by field, times to the second.
func equalItem(tb testing.TB, got, want sources.Item) {
	tb.Helper()
	for _, tc := range []struct {
		name      string
		got, want time.Time
	}{
		{"Published", got.Published, want.Published},
		{"Updated", got.Updated, want.Updated},
		{"FirstSeen", got.FirstSeen, want.FirstSeen},
		{"Changed", got.Changed, want.Changed},
	} {
		if !sameTime(tc.got, tc.want) {
			tb.Errorf("%s/%s %s = %v, want %v (UTC)", want.Source, want.ID, tc.name, tc.got, tc.want)
		}
	}
	got.Published, got.Updated, got.FirstSeen, got.Changed = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	want.Published, want.Updated, want.FirstSeen, want.Changed = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("item mismatch:\n got %+v\nwant %+v", got, want)
	}
}
