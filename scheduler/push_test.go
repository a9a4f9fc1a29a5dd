package scheduler

import (
	"context"
	"errors"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func TestIngestStoresLikeAFetch(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		return &sources.Result{ETag: `"polled"`}, nil
	})
	c := cfg(config.Fetch{}, "a-1")
	c.Sources[0].Keep = 2
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pushed := []sources.Item{{ID: "1", Title: "one"}, {ID: "2", Title: "two"}, {ID: "3", Title: "three"}}
	if err := h.s.Ingest(ctx, "a-1", pushed); err != nil {
		t.Fatal(err)
	}
	it, ok := h.store.item("a-1", "1")
	if !ok || it.Source != "a-1" {
		t.Fatalf("pushed item not stored with its source: %+v", it)
	}
	if got := len(h.changed()); got != 1 {
		t.Errorf("OnChange called %d times, want 1", got)
	}
	if err := h.s.Ingest(ctx, "a-1", pushed); err != nil {
		t.Fatal(err)
	}
	if got := len(h.changed()); got != 1 {
		t.Errorf("an unchanged push called OnChange: %d", got)
	}
	// A push records no fetch: validators and backoff stay as they were.
	// It only notes when a new item last arrived, for sources[].expect.
	if st, err := h.store.State(ctx, "a-1"); err != nil ||
		st != (store.State{Source: "a-1", LastNewItem: h.clock.Now()}) {
		t.Errorf("a push wrote fetch state: %+v, %v", st, err)
	}
	if err := h.s.Ingest(ctx, "nope", pushed); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("unknown source: %v", err)
	}
}
