package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// mixed stores items of three sources with every kind of date and many ties,
// and returns them in the expected order.
func mixed(t *testing.T, s store.Store) []sources.Item {
	t.Helper()
	var all []sources.Item
	for _, src := range []string{"b", "a", "c"} {
		var batch []sources.Item
		for i := range 12 {
			// Four distinct dates per source, shared across sources: ties.
			it := item(src, string(rune('z'-i)), t0.Add(-time.Duration(i%4)*time.Hour))
			switch i % 3 {
			case 1: // only an updated date
				it.Updated, it.Published = it.Published, time.Time{}
			case 2: // no date at all: first seen
				if i%4 == 0 {
					it.Published = time.Time{}
				}
			}
			batch = append(batch, it)
		}
		now := t0.Add(-3 * time.Hour)
		upsert(t, s, src, batch, now)
		for i := range batch {
			batch[i].FirstSeen = now
		}
		all = append(all, batch...)
	}
	return sorted(all)
}

func testOrdering(t *testing.T, o Opener) {
	s := open(t, o)
	want := mixed(t, s)
	got := query(t, s, store.Query{Sources: []string{"a", "b", "c"}})
	sameKeys(t, "order", got, want)
	for i := range got {
		if i < len(want) && !sameTime(got[i].Date(), want[i].Date()) {
			t.Errorf("item %d %s/%s Date() = %v, want %v", i, got[i].Source, got[i].ID, got[i].Date(), want[i].Date())
		}
	}
}

func testSourcesFilter(t *testing.T, o Opener) {
	s := open(t, o)
	all := mixed(t, s)
	var ac []sources.Item
	for _, it := range all {
		if it.Source != "b" {
			ac = append(ac, it)
		}
	}
	sameKeys(t, "sources a,c", query(t, s, store.Query{Sources: []string{"c", "a", "a", "missing"}}), ac)
	if got := query(t, s, store.Query{}); len(got) != 0 {
		t.Errorf("no sources: got %d items, want none", len(got))
	}
}

func testSince(t *testing.T, o Opener) {
	s := open(t, o)
	all := mixed(t, s)
	since := t0.Add(-time.Hour)
	var want []sources.Item
	for _, it := range all {
		if !it.Date().Before(since) {
			want = append(want, it)
		}
	}
	sameKeys(t, "since", query(t, s, store.Query{Sources: []string{"a", "b", "c"}, Since: since}), want)
}

func testLimit(t *testing.T, o Opener) {
	s := open(t, o)
	all := mixed(t, s)
	sameKeys(t, "limit 5", query(t, s, store.Query{Sources: []string{"a", "b", "c"}, Limit: 5}), all[:5])
	sameKeys(t, "limit beyond", query(t, s, store.Query{Sources: []string{"a", "b", "c"}, Limit: 1000}), all)
}

func testPaging(t *testing.T, o Opener) {
	s := open(t, o)
	all := mixed(t, s)
	for _, size := range []int{1, 5, 7, len(all)} {
		var got []sources.Item
		q := store.Query{Sources: []string{"a", "b", "c"}, Limit: size}
		for page := 0; page <= len(all); page++ {
			items := query(t, s, q)
			if len(items) == 0 {
				break
			}
			got = append(got, items...)
			last := items[len(items)-1]
			q.Before, q.BeforeKey = last.Date(), last.Source+"\x00"+last.ID
		}
		sameKeys(t, "pages", got, all)
	}
	// Without a key, Before keeps only strictly older items.
	before := t0.Add(-time.Hour)
	var want []sources.Item
	for _, it := range all {
		if it.Date().Before(before) {
			want = append(want, it)
		}
	}
	sameKeys(t, "before without key", query(t, s, store.Query{Sources: []string{"a", "b", "c"}, Before: before}), want)
}

func testHas(t *testing.T, o Opener) {
	s := open(t, o)
	upsert(t, s, "a", series("a", 2), t0)
	for _, tc := range []struct {
		src, id string
		want    bool
	}{
		{"a", "a-000", true},
		{"a", "a-001", true},
		{"a", "a-002", false},
		{"b", "a-000", false},
	} {
		got, err := s.Has(context.Background(), tc.src, tc.id)
		if err != nil || got != tc.want {
			t.Errorf("Has(%s, %s) = %v, %v; want %v", tc.src, tc.id, got, err, tc.want)
		}
	}
}

func testPrune(t *testing.T, o Opener) {
	s := open(t, o)
	a, b := series("a", 10), series("b", 5)
	upsert(t, s, "a", a, t0)
	upsert(t, s, "b", b, t0)
	for _, tc := range []struct {
		keep int
		want int64
	}{{3, 7}, {3, 0}, {10, 0}} {
		n, err := s.Prune(context.Background(), "a", tc.keep)
		if err != nil || n != tc.want {
			t.Errorf("Prune(a, %d) = %d, %v; want %d", tc.keep, n, err, tc.want)
		}
	}
	sameKeys(t, "a after prune", query(t, s, store.Query{Sources: []string{"a"}}), a[:3])
	sameKeys(t, "b untouched", query(t, s, store.Query{Sources: []string{"b"}}), b)
	if n, err := s.Prune(context.Background(), "b", 0); err != nil || n != 5 {
		t.Errorf("Prune(b, 0) = %d, %v; want 5", n, err)
	}
}

func testCounts(t *testing.T, o Opener) {
	s := open(t, o)
	got, err := s.Counts(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("Counts on empty store = %v, %v; want empty", got, err)
	}
	upsert(t, s, "a", series("a", 4), t0)
	upsert(t, s, "b", series("b", 2), t0)
	got, err = s.Counts(context.Background())
	if err != nil || len(got) != 2 || got["a"] != 4 || got["b"] != 2 {
		t.Errorf("Counts = %v, %v; want a:4 b:2", got, err)
	}
}

// testManySources checks a window over more sources than a statement takes
// parameters (SQLite: 32,766): a feed may merge tens of thousands.
func testManySources(t *testing.T, o Opener) {
	s := open(t, o)
	upsert(t, s, "a", series("a", 3), t0)
	upsert(t, s, "b", series("b", 2), t0)
	names := make([]string, 0, 40000)
	for i := range 40000 {
		names = append(names, fmt.Sprintf("n%05d", i))
	}
	names = append(names, "b", "a")
	got := query(t, s, store.Query{Sources: names, Limit: 4})
	if len(got) != 4 || got[0].Source != "a" || got[1].Source != "b" {
		t.Errorf("window over 40,002 sources: %d items %v", len(got), got)
	}
	// An archived feed reads its history over the same sources.
	if a, ok := s.(store.Archiver); ok {
		if got := history(t, a, store.HistoryQuery{Sources: names}); len(got) != 5 {
			t.Errorf("history over 40,002 sources: %d items %v", len(got), keys(got))
		}
	}
}
