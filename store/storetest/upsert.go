package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func testUpsertStats(t *testing.T, o Opener) {
	s := open(t, o)
	items := series("a", 3)
	if got := upsert(t, s, "a", items, t0); got != (store.UpsertStats{New: 3}) {
		t.Errorf("first upsert = %+v, want 3 new", got)
	}
	if got := upsert(t, s, "a", items, t0.Add(time.Hour)); got != (store.UpsertStats{}) {
		t.Errorf("unchanged upsert = %+v, want nothing", got)
	}
	changed := series("a", 4)
	changed[1].Title = "Retitled"
	changed[2].Categories = []string{"new"}
	if got := upsert(t, s, "a", changed, t0.Add(2*time.Hour)); got != (store.UpsertStats{New: 1, Updated: 2}) {
		t.Errorf("changed upsert = %+v, want 1 new, 2 updated", got)
	}
	if got := one(t, s, "a", changed[1].ID).Title; got != "Retitled" {
		t.Errorf("title after update = %q, want Retitled", got)
	}
	if got := upsert(t, s, "a", nil, t0); got != (store.UpsertStats{}) {
		t.Errorf("empty upsert = %+v, want nothing", got)
	}
}

func testFirstSeenOnce(t *testing.T, o Opener) {
	s := open(t, o)
	it := item("a", "x", t0.Add(-time.Hour))
	upsert(t, s, "a", []sources.Item{it}, t0)
	it.Title = "Changed"
	it.FirstSeen = t0.Add(time.Hour) // ignored: the store owns FirstSeen
	upsert(t, s, "a", []sources.Item{it}, t0.Add(2*time.Hour))
	got := one(t, s, "a", "x")
	if !sameTime(got.FirstSeen, t0) {
		t.Errorf("FirstSeen = %v, want %v", got.FirstSeen, t0)
	}
	if got.Title != "Changed" {
		t.Errorf("Title = %q, want the update", got.Title)
	}
}

func testUndatedKeepsFirstSeen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	it := sources.Item{ID: "undated", Title: "No date", Link: "https://example.org/u"}
	upsert(t, s, "a", []sources.Item{it}, t0)
	it.Title = "Still no date"
	upsert(t, s, "a", []sources.Item{it}, t0.Add(24*time.Hour))
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	upsert(t, s, "a", []sources.Item{it}, t0.Add(48*time.Hour))
	got := one(t, s, "a", "undated")
	if !sameTime(got.Date(), t0) || !sameTime(got.FirstSeen, t0) {
		t.Errorf("Date() = %v, FirstSeen = %v, want both %v", got.Date(), got.FirstSeen, t0)
	}
	// The date must also order the item: a newer dated item comes first.
	upsert(t, s, "a", []sources.Item{item("a", "dated", t0.Add(time.Minute))}, t0.Add(48*time.Hour))
	sameKeys(t, "order", query(t, s, store.Query{Sources: []string{"a"}}),
		[]sources.Item{{Source: "a", ID: "dated"}, {Source: "a", ID: "undated"}})
}

func testEmptyContentKept(t *testing.T, o Opener) {
	s := open(t, o)
	it := item("a", "x", t0)
	it.Content = "<p>Full text</p>"
	upsert(t, s, "a", []sources.Item{it}, t0)

	it.Content = ""
	if got := upsert(t, s, "a", []sources.Item{it}, t0); got != (store.UpsertStats{}) {
		t.Errorf("upsert with empty content = %+v, want no change", got)
	}
	it.Summary = "<p>New summary</p>"
	if got := upsert(t, s, "a", []sources.Item{it}, t0); got != (store.UpsertStats{Updated: 1}) {
		t.Errorf("upsert with new summary = %+v, want 1 updated", got)
	}
	got := one(t, s, "a", "x")
	if got.Content != "<p>Full text</p>" || got.Summary != "<p>New summary</p>" {
		t.Errorf("after update: content %q summary %q; want content kept, summary updated", got.Content, got.Summary)
	}
	if st := upsert(t, s, "a", []sources.Item{it}, t0); st != (store.UpsertStats{}) {
		t.Errorf("repeat upsert = %+v, want no change (no churn on empty content)", st)
	}
	it.Content = "<p>Revised</p>"
	if st := upsert(t, s, "a", []sources.Item{it}, t0); st != (store.UpsertStats{Updated: 1}) {
		t.Errorf("upsert with new content = %+v, want 1 updated", st)
	}
	if got := one(t, s, "a", "x").Content; got != "<p>Revised</p>" {
		t.Errorf("content = %q, want the revision", got)
	}
}

func testRoundTrip(t *testing.T, o Opener) {
	s := open(t, o)
	full := sources.Item{
		Source:  "a",
		ID:      "urn:x:1",
		Link:    "https://example.org/1",
		Title:   "Ünïcode & <tags> title",
		Summary: "<p>Summary</p>",
		Content: "<p>Content \u00e9\u4e2d</p>",
		Authors: []sources.Author{
			{Name: "Ada", Email: "ada@example.org", URL: "https://example.org/ada"},
			{Name: "Bob"},
		},
		Categories: []string{"world", "security"},
		Published:  t0.Add(-2 * time.Hour),
		Updated:    t0.Add(-time.Hour),
		Image:      "https://example.org/1.jpg",
		Enclosures: []sources.Enclosure{{URL: "https://example.org/1.mp3", Type: "audio/mpeg", Length: 1 << 40}},
	}
	bare := sources.Item{Source: "a", ID: "bare"}
	zone := time.FixedZone("EST", -5*3600)
	local := item("a", "local", t0.In(zone))
	local.Updated = t0.Add(time.Hour).In(zone)
	upsert(t, s, "a", []sources.Item{full, bare, local}, t0)

	for _, it := range []*sources.Item{&full, &bare, &local} {
		it.FirstSeen, it.Changed = t0, t0
	}
	local.Published, local.Updated = local.Published.UTC(), local.Updated.UTC()
	for _, want := range []sources.Item{full, bare, local} {
		equalItem(t, one(t, s, "a", want.ID), want)
	}
}

func testDuplicateIDs(t *testing.T, o Opener) {
	s := open(t, o)
	first, last := item("a", "x", t0), item("a", "x", t0)
	last.Title = "Last"
	if got := upsert(t, s, "a", []sources.Item{first, item("a", "y", t0), last}, t0); got != (store.UpsertStats{New: 2}) {
		t.Errorf("upsert = %+v, want 2 new", got)
	}
	if got := one(t, s, "a", "x").Title; got != "Last" {
		t.Errorf("title = %q, want the last of the batch", got)
	}
}

func testMissingIDFailsBatch(t *testing.T, o Opener) {
	s := open(t, o)
	batch := []sources.Item{item("a", "x", t0), {Title: "no id"}}
	if _, err := s.Upsert(context.Background(), "a", batch, t0); err == nil {
		t.Fatal("Upsert with an item without ID: want an error")
	}
	if got := query(t, s, store.Query{Sources: []string{"a"}}); len(got) != 0 {
		t.Errorf("failed batch stored %v; want nothing (one transaction)", keys(got))
	}
	if _, err := s.Upsert(context.Background(), "", batch[:1], t0); err == nil {
		t.Error("Upsert with an empty source: want an error")
	}
}
