package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// fullFetch is a fetch with every field set.
func fullFetch(src string, at time.Time) store.Fetch {
	return store.Fetch{
		Source:   src,
		At:       at,
		Outcome:  "ok",
		Status:   200,
		New:      3,
		Updated:  1,
		Duration: 1234 * time.Millisecond,
		Error:    "",
		Warnings: []string{"item 4: date \"soon\" not understood", "ünïcode ✓"},
		Matches:  []sources.Match{{Selector: "item", Count: 9}, {Selector: "title", Count: 8}},
	}
}

func recordFetch(tb testing.TB, s store.Store, f store.Fetch, keep int) {
	tb.Helper()
	if err := s.RecordFetch(context.Background(), f, keep); err != nil {
		tb.Fatalf("RecordFetch(%s at %v): %v", f.Source, f.At, err)
	}
}

func fetches(tb testing.TB, s store.Store, src string, limit int) []store.Fetch {
	tb.Helper()
	got, err := s.Fetches(context.Background(), src, limit)
	if err != nil {
		tb.Fatalf("Fetches(%s, %d): %v", src, limit, err)
	}
	return got
}

// equalFetch compares with times to the millisecond, in UTC.
func equalFetch(tb testing.TB, got, want store.Fetch) {
	tb.Helper()
	if !got.At.Equal(want.At.Truncate(time.Millisecond)) || got.At.Location() != time.UTC {
		tb.Errorf("fetch At = %v, want %v in UTC", got.At, want.At)
	}
	got.At, want.At = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("fetch:\n got %+v\nwant %+v", got, want)
	}
}

func testFetchRoundTrip(t *testing.T, o Opener) {
	s := open(t, o)
	if got := fetches(t, s, "a", 0); len(got) != 0 {
		t.Errorf("Fetches of a source without history = %v, want none", got)
	}
	ok := fullFetch("a", t0)
	failed := store.Fetch{Source: "a", At: t0.Add(time.Minute), Outcome: "error", Status: 503,
		Duration: 20 * time.Millisecond, Error: "GET https://example.org/feed: 503 Service Unavailable"}
	recordFetch(t, s, ok, store.FetchHistory)
	recordFetch(t, s, failed, store.FetchHistory)
	got := fetches(t, s, "a", 0)
	if len(got) != 2 {
		t.Fatalf("Fetches = %d entries, want 2", len(got))
	}
	equalFetch(t, got[0], failed)
	equalFetch(t, got[1], ok)
	if err := s.RecordFetch(context.Background(), store.Fetch{At: t0}, 1); err == nil {
		t.Error("RecordFetch without a source: want an error")
	}
}

func testFetchOrderAndLimit(t *testing.T, o Opener) {
	s := open(t, o)
	// Recorded out of order, with two at the same instant: newest At
	// first, then the later recorded.
	for i, at := range []time.Time{t0.Add(2 * time.Hour), t0, t0.Add(time.Hour), t0.Add(time.Hour)} {
		f := fullFetch("a", at)
		f.New = i
		recordFetch(t, s, f, store.FetchHistory)
		recordFetch(t, s, fullFetch("b", at), store.FetchHistory)
	}
	got := fetches(t, s, "a", 0)
	var news []int
	for _, f := range got {
		news = append(news, f.New)
	}
	if want := []int{0, 3, 2, 1}; !reflect.DeepEqual(news, want) {
		t.Errorf("order by New = %v, want %v", news, want)
	}
	if got := fetches(t, s, "a", 2); len(got) != 2 || got[0].New != 0 || got[1].New != 3 {
		t.Errorf("limit 2 = %+v, want the two newest", got)
	}
	if got := fetches(t, s, "b", 0); len(got) != 4 {
		t.Errorf("other source: %d fetches, want 4", len(got))
	}
}

func testFetchKeepBound(t *testing.T, o Opener) {
	s := open(t, o)
	const keep = 5
	for i := range 12 {
		recordFetch(t, s, fullFetch("a", t0.Add(time.Duration(i)*time.Minute)), keep)
	}
	recordFetch(t, s, fullFetch("b", t0), keep)
	got := fetches(t, s, "a", 0)
	if len(got) != keep {
		t.Fatalf("kept %d fetches, want %d", len(got), keep)
	}
	for i, f := range got {
		if want := t0.Add(time.Duration(11-i) * time.Minute).Truncate(time.Millisecond); !f.At.Equal(want) {
			t.Errorf("fetch %d at %v, want %v (the newest kept)", i, f.At, want)
		}
	}
	// Trimming a is no business of b.
	if got := fetches(t, s, "b", 0); len(got) != 1 {
		t.Errorf("b: %d fetches, want 1", len(got))
	}
}

func testFetchBounded(t *testing.T, o Opener) {
	s := open(t, o)
	f := fullFetch("a", t0)
	f.Outcome = "error"
	f.Error = strings.Repeat("é", store.MaxFetchError)
	f.Warnings = nil
	for i := range store.MaxFetchWarnings + 10 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("warning %d %s", i, strings.Repeat("x", store.MaxFetchWarning)))
	}
	recordFetch(t, s, f, 1)
	got := fetches(t, s, "a", 0)
	if len(got) != 1 {
		t.Fatalf("%d fetches, want 1", len(got))
	}
	equalFetch(t, got[0], f.Bounded())
	g := got[0]
	if len(g.Error) > store.MaxFetchError || !strings.HasSuffix(g.Error, "…") {
		t.Errorf("error of %d bytes, want at most %d ending in an ellipsis", len(g.Error), store.MaxFetchError)
	}
	if len(g.Warnings) != store.MaxFetchWarnings || g.Warnings[len(g.Warnings)-1] != "11 more warnings not kept" {
		t.Errorf("%d warnings, last %q", len(g.Warnings), g.Warnings[len(g.Warnings)-1])
	}
	for _, w := range g.Warnings {
		if len(w) > store.MaxFetchWarning {
			t.Errorf("warning of %d bytes kept", len(w))
		}
	}
}

func testFetchReopen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	want := fullFetch("a", t0)
	recordFetch(t, s, want, store.FetchHistory)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	got := fetches(t, s, "a", 0)
	if len(got) != 1 {
		t.Fatalf("%d fetches after reopen, want 1", len(got))
	}
	equalFetch(t, got[0], want)
}
