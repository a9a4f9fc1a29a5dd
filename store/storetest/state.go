package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

func fullState(src string) store.State {
	return store.State{
		Source:       src,
		ETag:         `W/"abc"`,
		LastModified: "Sun, 10 Mar 2024 12:00:00 GMT",
		LastFetch:    t0,
		LastSuccess:  t0.Add(-time.Hour),
		LastError:    "fetch: 503 Service Unavailable",
		Failures:     2,
		NotBefore:    t0.Add(time.Hour),
		LastNewItem:  t0.Add(-2 * time.Hour),
		NextDue:      t0.Add(30 * time.Minute),
	}
}

func equalState(tb testing.TB, got, want store.State) {
	tb.Helper()
	times := [][2]time.Time{
		{got.LastFetch, want.LastFetch},
		{got.LastSuccess, want.LastSuccess},
		{got.NotBefore, want.NotBefore},
		{got.LastNewItem, want.LastNewItem},
		{got.NextDue, want.NextDue},
	}
	for _, tt := range times {
		if !sameTime(tt[0], tt[1]) {
			tb.Errorf("state %s: time %v, want %v (UTC)", want.Source, tt[0], tt[1])
		}
	}
	got.LastFetch, got.LastSuccess, got.NotBefore, got.LastNewItem, got.NextDue = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	want.LastFetch, want.LastSuccess, want.NotBefore, want.LastNewItem, want.NextDue = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		tb.Errorf("state:\n got %+v\nwant %+v", got, want)
	}
}

func testState(t *testing.T, o Opener) {
	s := open(t, o)
	ctx := context.Background()
	if _, err := s.State(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("State of unknown source: err = %v, want ErrNotFound", err)
	}
	want := fullState("a")
	if err := s.SetState(ctx, want); err != nil {
		t.Fatalf("SetState: %v", err)
	}
	got, err := s.State(ctx, "a")
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	equalState(t, got, want)

	// Overwriting clears what the new state leaves empty.
	want = store.State{Source: "a", LastFetch: t0.Add(time.Hour)}
	if err := s.SetState(ctx, want); err != nil {
		t.Fatalf("SetState: %v", err)
	}
	got, err = s.State(ctx, "a")
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	equalState(t, got, want)
	if err := s.SetState(ctx, store.State{}); err == nil {
		t.Error("SetState without a source: want an error")
	}
}

func testStates(t *testing.T, o Opener) {
	s := open(t, o)
	ctx := context.Background()
	if got, err := s.States(ctx); err != nil || len(got) != 0 {
		t.Errorf("States on empty store = %v, %v; want none", got, err)
	}
	names := []string{"c", "a", "b"}
	for _, n := range names {
		if err := s.SetState(ctx, fullState(n)); err != nil {
			t.Fatalf("SetState(%s): %v", n, err)
		}
	}
	got, err := s.States(ctx)
	if err != nil || len(got) != 3 {
		t.Fatalf("States = %v, %v; want 3", got, err)
	}
	for i, n := range []string{"a", "b", "c"} {
		equalState(t, got[i], fullState(n))
	}
}

func testConcurrentUpserts(t *testing.T, o Opener) {
	s := open(t, o)
	const workers = 8
	shared := series("shared", 20)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		newItems int
		errs     []error
	)
	for w := range workers {
		wg.Go(func() {
			src := fmt.Sprintf("w%d", w)
			for round := range 3 {
				st1, err1 := s.Upsert(context.Background(), src, series(src, 10*(round+1)), t0)
				st2, err2 := s.Upsert(context.Background(), "shared", shared, t0)
				_, err3 := s.Items(context.Background(), store.Query{Sources: []string{src, "shared"}, Limit: 5})
				mu.Lock()
				newItems += st1.New + st2.New
				errs = append(errs, err1, err2, err3)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent use: %v", err)
	}
	if want := workers*30 + len(shared); newItems != want {
		t.Errorf("sum of New = %d, want %d (each new item counted once)", newItems, want)
	}
	counts, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts["shared"] != len(shared) || counts["w0"] != 30 || len(counts) != workers+1 {
		t.Errorf("Counts = %v; want shared:%d and 30 per worker", counts, len(shared))
	}
}

func testReopen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	items := series("a", 5)
	items[0].Content = "<p>kept</p>"
	upsert(t, s, "a", items, t0)
	if err := s.SetState(context.Background(), fullState("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	got := query(t, s, store.Query{Sources: []string{"a"}})
	sameKeys(t, "after reopen", got, items)
	if len(got) > 0 && got[0].Content != "<p>kept</p>" {
		t.Errorf("content after reopen = %q", got[0].Content)
	}
	st, err := s.State(context.Background(), "a")
	if err != nil {
		t.Fatalf("State after reopen: %v", err)
	}
	equalState(t, st, fullState("a"))
	if got := upsert(t, s, "a", items, t0.Add(time.Hour)); got != (store.UpsertStats{}) {
		t.Errorf("re-upsert after reopen = %+v, want no change", got)
	}
}
