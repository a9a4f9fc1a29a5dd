package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// mediaItem is an item with every field issue 11 added.
func mediaItem(src, id string) sources.Item {
	it := item(src, id, t0)
	it.Media = &sources.Media{
		Duration: 1834, Image: "https://example.org/ep.jpg", Explicit: "false", Episode: 12, Season: 3,
		Author: "Ren Qi & \u4e2d <co>",
		Contents: []sources.MediaContent{
			{URL: "https://example.org/ep.mp3", Type: "audio/mpeg", Medium: "audio", Length: 1 << 40, Duration: 1834},
			{URL: "https://example.org/ep.mp4", Type: "video/mp4", Width: 1920, Height: 1080},
		},
		Thumbnails: []sources.Thumbnail{{URL: "https://example.org/th.jpg", Width: 120, Height: 90}},
	}
	it.Origin = &sources.Origin{
		ID: "urn:upstream", Title: "Upstream \x00title", Link: "https://example.org/", URL: "https://example.org/feed.xml",
		Updated: t0.Add(-time.Hour),
	}
	it.SimHash = 0xfedcba9876543210 // above MaxInt64: stores must keep all 64 bits
	return it
}

func testExtraRoundTrip(t *testing.T, o Opener) {
	s := open(t, o)
	full, plain := mediaItem("a", "m"), item("a", "plain", t0)
	upsert(t, s, "a", []sources.Item{full, plain}, t0)
	full.FirstSeen, full.Changed = t0, t0
	plain.FirstSeen, plain.Changed = t0, t0
	equalItem(t, one(t, s, "a", "m"), full)
	got := one(t, s, "a", "plain")
	if got.Media != nil || got.Origin != nil || got.SimHash != 0 {
		t.Errorf("plain item came back with media %+v, origin %+v, simhash %x; want none", got.Media, got.Origin, got.SimHash)
	}

	// The same item again is no change; a changed media field is one.
	if st := upsert(t, s, "a", []sources.Item{mediaItem("a", "m")}, t0.Add(time.Minute)); st != (store.UpsertStats{}) {
		t.Errorf("same item again: %+v, want no change", st)
	}
	changed := mediaItem("a", "m")
	changed.Media.Duration = 1835
	if st := upsert(t, s, "a", []sources.Item{changed}, t0.Add(2*time.Minute)); st != (store.UpsertStats{Updated: 1}) {
		t.Errorf("changed duration: %+v, want one update", st)
	}
	if got := one(t, s, "a", "m").Media.Duration; got != 1835 {
		t.Errorf("duration = %d, want 1835", got)
	}
}

func archiver(t *testing.T, s store.Store) store.Archiver {
	t.Helper()
	a, ok := s.(store.Archiver)
	if !ok {
		t.Fatalf("%T does not implement store.Archiver", s)
	}
	return a
}

func history(t *testing.T, a store.Archiver, q store.HistoryQuery) []sources.Item {
	t.Helper()
	items, err := a.History(context.Background(), q)
	if err != nil {
		q.Sources = shortList(q.Sources)
		t.Fatalf("History(%+v): %v", q, err)
	}
	return items
}

func testHistoryOrder(t *testing.T, o Opener) {
	s := open(t, o)
	a := archiver(t, s)
	// Seen in three rounds; within a round the order is source, then ID,
	// whatever the items' own dates say.
	upsert(t, s, "b", []sources.Item{item("b", "2", t0), item("b", "1", t0.Add(-time.Hour))}, t0)
	upsert(t, s, "a", []sources.Item{item("a", "9", t0.Add(-48*time.Hour))}, t0)
	upsert(t, s, "a", []sources.Item{item("a", "1", t0.Add(time.Hour))}, t0.Add(time.Second))
	upsert(t, s, "c", []sources.Item{item("c", "1", t0)}, t0.Add(2*time.Second))
	// Seeing an item again does not move it.
	upsert(t, s, "b", []sources.Item{item("b", "1", t0.Add(-time.Hour))}, t0.Add(3*time.Second))

	all := history(t, a, store.HistoryQuery{Sources: []string{"a", "b", "c"}})
	if got, want := keys(all), []string{"a/9", "b/1", "b/2", "a/1", "c/1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("history order %v, want %v", got, want)
	}
	for i := 1; i < len(all); i++ {
		if !store.CursorOf(&all[i-1]).Less(store.CursorOf(&all[i])) {
			t.Errorf("Cursor.Less disagrees with the store at %d", i)
		}
	}
	if got := keys(history(t, a, store.HistoryQuery{Sources: []string{"b", "c"}})); !reflect.DeepEqual(got, []string{"b/1", "b/2", "c/1"}) {
		t.Errorf("sources filter: %v", got)
	}
	if got := history(t, a, store.HistoryQuery{}); len(got) != 0 {
		t.Errorf("no sources: %v", keys(got))
	}
	after := store.CursorOf(&all[1])
	if got := keys(history(t, a, store.HistoryQuery{Sources: []string{"a", "b", "c"}, After: after, Limit: 2})); !reflect.DeepEqual(got, []string{"b/2", "a/1"}) {
		t.Errorf("after b/1, limit 2: %v", got)
	}
	through := store.CursorOf(&all[3])
	if got := keys(history(t, a, store.HistoryQuery{Sources: []string{"a", "b", "c"}, After: after, Through: through})); !reflect.DeepEqual(got, []string{"b/2", "a/1"}) {
		t.Errorf("after b/1 through a/1: %v", got)
	}
	if got := keys(history(t, a, store.HistoryQuery{Sources: []string{"a", "b", "c"}, Through: store.CursorOf(&all[0])})); !reflect.DeepEqual(got, []string{"a/9"}) {
		t.Errorf("through the first: %v", got)
	}
}

// testHistoryPaging pages through many items seen at the same instant and
// finds each exactly once.
func testHistoryPaging(t *testing.T, o Opener) {
	s := open(t, o)
	a := archiver(t, s)
	upsert(t, s, "x", series("x", 120), t0)
	upsert(t, s, "y", series("y", 80), t0)
	upsert(t, s, "x", series("x", 130)[120:], t0.Add(time.Minute))
	seen := map[string]int{}
	var cur store.Cursor
	var prev []string
	for pages := 0; ; pages++ {
		page := history(t, a, store.HistoryQuery{Sources: []string{"x", "y"}, After: cur, Limit: 17})
		if len(page) == 0 {
			break
		}
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		for _, k := range keys(page) {
			seen[k]++
			prev = append(prev, k)
		}
		cur = store.CursorOf(&page[len(page)-1])
	}
	if len(seen) != 210 || len(prev) != 210 {
		t.Fatalf("paged %d items (%d distinct), want 210", len(prev), len(seen))
	}
	if prev[len(prev)-1] != "x/x-129" || prev[0] != "x/x-000" {
		t.Errorf("first %s, last %s", prev[0], prev[len(prev)-1])
	}
}

func testArchivePages(t *testing.T, o Opener) {
	s := open(t, o)
	a := archiver(t, s)
	ctx := context.Background()
	pages := func(feed string) []store.Cursor {
		t.Helper()
		got, err := a.ArchivePages(ctx, feed)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := pages("world"); len(got) != 0 {
		t.Fatalf("new store has pages %v", got)
	}
	upsert(t, s, "a", series("a", 3), t0)
	items := history(t, a, store.HistoryQuery{Sources: []string{"a"}})
	b1, b2 := store.CursorOf(&items[0]), store.CursorOf(&items[2])
	for _, add := range []struct {
		n int
		c store.Cursor
	}{{1, b1}, {2, b2}, {1, b2}} { // the second page 1 is ignored: the first wins
		if err := a.AddArchivePage(ctx, "world", add.n, add.c); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddArchivePage(ctx, "world", 0, b1); err == nil {
		t.Error("page 0 accepted")
	}
	if err := a.AddArchivePage(ctx, "world", 3, store.Cursor{}); err == nil {
		t.Error("zero boundary accepted")
	}
	got := pages("world")
	if len(got) != 2 || !sameCursor(got[0], b1) || !sameCursor(got[1], b2) {
		t.Errorf("pages = %+v, want [%+v %+v]", got, b1, b2)
	}
	if got := pages("other"); len(got) != 0 {
		t.Errorf("another feed sees %v", got)
	}
	// The boundary is the item's exact position: History through it ends
	// with the item.
	if h := history(t, a, store.HistoryQuery{Sources: []string{"a"}, Through: got[0]}); len(h) != 1 || h[0].ID != items[0].ID {
		t.Errorf("history through page 1's boundary = %v", keys(h))
	}
}

func sameCursor(a, b store.Cursor) bool {
	return a.FirstSeen.Equal(b.FirstSeen) && a.FirstSeen.Location() == time.UTC && a.Source == b.Source && a.ID == b.ID
}

// testOriginUpdatedNoChange: the upstream's own updated date moves on every
// post to it; alone it must not count as a change of each of its items.
func testOriginUpdatedNoChange(t *testing.T, o Opener) {
	s := open(t, o)
	it := mediaItem("a", "m")
	upsert(t, s, "a", []sources.Item{it}, t0)
	it.Origin.Updated = t0.Add(time.Hour)
	if st := upsert(t, s, "a", []sources.Item{it}, t0.Add(time.Hour)); st != (store.UpsertStats{}) {
		t.Errorf("only the origin's updated moved: %+v, want no change", st)
	}
	it.Origin.Title = "Renamed upstream"
	if st := upsert(t, s, "a", []sources.Item{it}, t0.Add(2*time.Hour)); st != (store.UpsertStats{Updated: 1}) {
		t.Errorf("origin title changed: %+v, want one update", st)
	}
	if got := one(t, s, "a", "m").Origin; got.Title != "Renamed upstream" || !got.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("stored origin = %+v", got)
	}
}

// testSimHashAtIngest: an item stored without a SimHash gets its text's,
// once; one the source gave is kept.
func testSimHashAtIngest(t *testing.T, o Opener) {
	s := open(t, o)
	long := item("a", "long", t0)
	long.Content = "<p>Harbour authorities said on Tuesday that the new wind farm off the northern coast will begin delivering power next spring.</p>"
	given := item("a", "given", t0)
	given.Content, given.SimHash = long.Content, 42
	upsert(t, s, "a", []sources.Item{long, given, item("a", "short", t0)}, t0)
	if got, want := one(t, s, "a", "long").SimHash, sources.SimHash(&long); got != want || got == 0 {
		t.Errorf("stored SimHash %x, want %x", got, want)
	}
	if got := one(t, s, "a", "given").SimHash; got != 42 {
		t.Errorf("given SimHash replaced by %x", got)
	}
	if got := one(t, s, "a", "short").SimHash; got != 0 {
		t.Errorf("short item hashed %x", got)
	}
}
