package storetest

import (
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// Item.Changed dates a feed (see feeds.feedDate): it must move on every
// stored change, and only then, or readers polling with If-Modified-Since
// miss edits or refetch unchanged feeds.

func testChangedOnInsert(t *testing.T, o Opener) {
	s := open(t, o)
	it := item("a", "x", t0.Add(-time.Hour))
	it.Changed = t0.Add(time.Hour) // ignored: the store owns Changed
	upsert(t, s, "a", []sources.Item{it, item("a", "y", time.Time{})}, t0)
	for _, id := range []string{"x", "y"} {
		got := one(t, s, "a", id)
		if !sameTime(got.Changed, t0) || !sameTime(got.FirstSeen, t0) {
			t.Errorf("%s: Changed = %v, FirstSeen = %v, want both %v", id, got.Changed, got.FirstSeen, t0)
		}
	}
}

func testChangedKeptUnchanged(t *testing.T, o Opener) {
	s := open(t, o)
	it := item("a", "x", t0)
	it.Content = "<p>Full</p>"
	upsert(t, s, "a", []sources.Item{it}, t0)
	it.Changed = t0.Add(3 * time.Hour) // not a change: the store owns Changed
	upsert(t, s, "a", []sources.Item{it}, t0.Add(time.Hour))
	if got := one(t, s, "a", "x").Changed; !sameTime(got, t0) {
		t.Errorf("Changed after an unchanged upsert = %v, want %v", got, t0)
	}
}

func testChangedMovesOnUpdate(t *testing.T, o Opener) {
	edits := []struct {
		name string
		edit func(*sources.Item)
	}{
		{"summary", func(it *sources.Item) { it.Summary = "<p>Edited</p>" }},
		{"title", func(it *sources.Item) { it.Title = "Edited" }},
		{"content", func(it *sources.Item) { it.Content = "<p>Revised</p>" }},
		{"updated", func(it *sources.Item) { it.Updated = t0.Add(time.Minute) }},
	}
	s := open(t, o)
	for i, e := range edits {
		it := item("a", e.name, t0.Add(-time.Hour))
		it.Content = "<p>Full</p>"
		upsert(t, s, "a", []sources.Item{it}, t0)
		e.edit(&it)
		now := t0.Add(time.Duration(i+1) * time.Hour)
		upsert(t, s, "a", []sources.Item{it}, now)
		got := one(t, s, "a", e.name)
		if !sameTime(got.Changed, now) || !sameTime(got.FirstSeen, t0) {
			t.Errorf("%s edited: Changed = %v, FirstSeen = %v; want %v, %v", e.name, got.Changed, got.FirstSeen, now, t0)
		}
	}
}

func testChangedKeptOnEmptyContent(t *testing.T, o Opener) {
	s := open(t, o)
	it := item("a", "x", t0)
	it.Content = "<p>Full text</p>"
	upsert(t, s, "a", []sources.Item{it}, t0)
	it.Content = "" // keeps the stored content: no change
	upsert(t, s, "a", []sources.Item{it}, t0.Add(time.Hour))
	got := one(t, s, "a", "x")
	if !sameTime(got.Changed, t0) || got.Content != "<p>Full text</p>" {
		t.Errorf("after empty content: Changed = %v, content %q; want %v, kept", got.Changed, got.Content, t0)
	}
	// A metadata change in the same upsert still counts.
	it.Title = "Retitled"
	upsert(t, s, "a", []sources.Item{it}, t0.Add(2*time.Hour))
	if got := one(t, s, "a", "x").Changed; !sameTime(got, t0.Add(2*time.Hour)) {
		t.Errorf("after a new title with empty content: Changed = %v, want %v", got, t0.Add(2*time.Hour))
	}
}

func testChangedReopen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	it := item("a", "x", t0.Add(-time.Hour))
	upsert(t, s, "a", []sources.Item{it, item("a", "y", t0)}, t0)
	it.Summary = "<p>Edited</p>"
	edited := t0.Add(time.Hour)
	upsert(t, s, "a", []sources.Item{it}, edited)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	upsert(t, s, "a", []sources.Item{it}, t0.Add(2*time.Hour))
	for id, want := range map[string]time.Time{"x": edited, "y": t0} {
		if got := one(t, s, "a", id); !sameTime(got.Changed, want) || !sameTime(got.FirstSeen, t0) {
			t.Errorf("%s after reopen: Changed = %v, FirstSeen = %v; want %v, %v", id, got.Changed, got.FirstSeen, want, t0)
		}
	}
}
