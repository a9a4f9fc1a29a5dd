package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// The checks below follow a driver's own migration test: the driver writes
// rows as its schema stood at migration 0001 (in its own SQL), opens the
// store, which migrates, and asks one of these what the store must show.

// CheckChangedBackfill: item a/x, first seen at seen before the changed
// column existed, counts as changed when first seen, and source a's last
// new item is its newest first sighting (0005).
func CheckChangedBackfill(t *testing.T, s store.Store, seen time.Time) {
	t.Helper()
	ctx := context.Background()
	items, err := s.Items(ctx, store.Query{Sources: []string{"a"}})
	if err != nil || len(items) != 1 {
		t.Fatalf("Items = %d items, %v; want 1", len(items), err)
	}
	if got := items[0]; !got.Changed.Equal(seen) || !got.FirstSeen.Equal(seen) {
		t.Errorf("after migration: Changed = %v, FirstSeen = %v, want both %v", got.Changed, got.FirstSeen, seen)
	}
	if st, err := s.State(ctx, "a"); err != nil || !st.LastNewItem.Equal(seen) {
		t.Errorf("after migration: LastNewItem = %v, %v; want %v", st.LastNewItem, err, seen)
	}
}

// CheckFilesIDs: 0009 renamed the file:// ids of source news
// (file:///srv/articles/harbour%20opens.md and .../quay.txt) to
// urn:tributary:files:news:NAME, and left wire's
// https://example.org/file://x/1 alone.
func CheckFilesIDs(t *testing.T, s store.Store) {
	t.Helper()
	items, err := s.Items(context.Background(), store.Query{Sources: []string{"news", "wire"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	slices.Sort(ids)
	want := []string{"https://example.org/file://x/1", "urn:tributary:files:news:harbour%20opens.md", "urn:tributary:files:news:quay.txt"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids %q, want %q", ids, want)
	}
}
