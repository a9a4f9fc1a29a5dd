package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// A source's version dates its feeds (ETag and Last-Modified without a
// render): it must move on every stored change, only then, and never back.

func versions(tb testing.TB, s store.Store, names []string) map[string]time.Time {
	tb.Helper()
	v, err := s.Versions(context.Background(), names)
	if err != nil {
		tb.Fatalf("Versions(%v): %v", names, err)
	}
	return v
}

func version(tb testing.TB, s store.Store, name string) time.Time {
	tb.Helper()
	return versions(tb, s, []string{name})[name]
}

func testVersionsMove(t *testing.T, o Opener) {
	s := open(t, o)
	if v := versions(t, s, nil); len(v) != 0 {
		t.Fatalf("versions of an empty store = %v, want none", v)
	}
	items := series("a", 3)
	upsert(t, s, "a", items, t0)
	v1 := version(t, s, "a")
	if !v1.Equal(t0.Truncate(time.Millisecond)) || v1.Location() != time.UTC {
		t.Fatalf("version after the first upsert = %v, want %v in UTC", v1, t0.Truncate(time.Millisecond))
	}
	// Nothing new: no new version.
	upsert(t, s, "a", items, t0.Add(time.Hour))
	if v := version(t, s, "a"); !v.Equal(v1) {
		t.Errorf("version after an unchanged upsert = %v, want %v", v, v1)
	}
	// A change at a time not after the version still moves it.
	items[0].Title = "Edited"
	upsert(t, s, "a", items, t0.Add(-time.Hour))
	v2 := version(t, s, "a")
	if !v2.Equal(v1.Add(time.Millisecond)) {
		t.Errorf("version after a change with the clock behind = %v, want %v", v2, v1.Add(time.Millisecond))
	}
	// Pruning nothing keeps it; pruning something moves it.
	if _, err := s.Prune(context.Background(), "a", 3); err != nil {
		t.Fatal(err)
	}
	if v := version(t, s, "a"); !v.Equal(v2) {
		t.Errorf("version after pruning nothing = %v, want %v", v, v2)
	}
	if n, err := s.Prune(context.Background(), "a", 1); err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2 deleted", n, err)
	}
	if v := version(t, s, "a"); !v.After(v2) {
		t.Errorf("version after pruning = %v, want after %v", v, v2)
	}
}

func testVersionsSelect(t *testing.T, o Opener) {
	s := open(t, o)
	upsert(t, s, "a", series("a", 1), t0)
	upsert(t, s, "b", series("b", 1), t0.Add(time.Minute))
	upsert(t, s, "c", series("c", 1), t0.Add(2*time.Minute))
	got := versions(t, s, []string{"a", "c", "never"})
	want := map[string]time.Time{"a": t0.Truncate(time.Millisecond), "c": t0.Add(2 * time.Minute).Truncate(time.Millisecond)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Versions(a, c, never) = %v, want %v", got, want)
	}
	if got := versions(t, s, []string{}); len(got) != 0 {
		t.Errorf("Versions of no names = %v, want none", got)
	}
	if got := versions(t, s, nil); len(got) != 3 {
		t.Errorf("Versions(nil) = %v, want all three", got)
	}
}

func testVersionsReopen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	upsert(t, s, "a", series("a", 2), t0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	if v := version(t, s, "a"); !v.Equal(t0.Truncate(time.Millisecond)) {
		t.Errorf("version after reopen = %v, want %v", v, t0.Truncate(time.Millisecond))
	}
}

func testHotFeeds(t *testing.T, o Opener) {
	s := open(t, o)
	ctx := context.Background()
	touch := func(now time.Time, keys ...string) {
		t.Helper()
		if err := s.TouchFeeds(ctx, keys, now); err != nil {
			t.Fatalf("TouchFeeds(%v): %v", keys, err)
		}
	}
	hot := func(since time.Time, limit int) []string {
		t.Helper()
		keys, err := s.HotFeeds(ctx, since, limit)
		if err != nil {
			t.Fatalf("HotFeeds: %v", err)
		}
		return keys
	}
	if got := hot(time.Time{}, 10); len(got) != 0 {
		t.Fatalf("hot feeds of an empty store = %v", got)
	}
	touch(t0, "old.rss", "a.atom")
	touch(t0.Add(time.Minute), "b.json", "b.json")
	touch(t0.Add(2*time.Minute), "a.atom")
	if got, want := hot(t0, 10), []string{"a.atom", "b.json", "old.rss"}; !reflect.DeepEqual(got, want) {
		t.Errorf("HotFeeds = %v, want %v", got, want)
	}
	if got, want := hot(t0.Add(time.Minute), 1), []string{"a.atom"}; !reflect.DeepEqual(got, want) {
		t.Errorf("HotFeeds(limit 1) = %v, want %v", got, want)
	}
	// An earlier touch never moves a feed back.
	touch(t0, "a.atom")
	if got := hot(t0.Add(2*time.Minute), 10); !reflect.DeepEqual(got, []string{"a.atom"}) {
		t.Errorf("after an older touch, HotFeeds = %v, want [a.atom]", got)
	}
	// Feeds out of demand for HotFeedsKeep are forgotten.
	touch(t0.Add(store.HotFeedsKeep+90*time.Second), "new.rss")
	if got, want := hot(time.Time{}, 10), []string{"new.rss", "a.atom"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after a week, HotFeeds = %v, want %v", got, want)
	}
}
