package feeds

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// fakeStore is an in-memory store.Store ordering items like the real ones:
// newest first by Item.Date(), ties by source and id.
//
// A source's version moves, as in the real stores, whenever an item of it
// is added or replaced: to the item's Changed, else FirstSeen, else date,
// or 1 ms past the previous version.
type fakeStore struct {
	mu       sync.Mutex
	items    []sources.Item
	versions map[string]time.Time
	hot      map[string]time.Time
	queries  atomic.Int64
	failing  atomic.Bool // Items and Versions fail, as when the database is gone
}

var _ store.Store = (*fakeStore)(nil)

func itemKey(it *sources.Item) string { return it.Source + "\x00" + it.ID }

func (s *fakeStore) add(items ...sources.Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, items...)
	if s.versions == nil {
		s.versions = make(map[string]time.Time)
	}
	for i := range items {
		it := &items[i]
		t := it.Changed
		if t.IsZero() {
			t = it.FirstSeen
		}
		if t.IsZero() {
			t = it.Date()
		}
		if prev, ok := s.versions[it.Source]; ok && !t.After(prev) {
			t = prev.Add(time.Millisecond)
		}
		s.versions[it.Source] = t.Truncate(time.Millisecond)
	}
	slices.SortStableFunc(s.items, func(a, b sources.Item) int {
		if c := b.Date().Compare(a.Date()); c != 0 {
			return c
		}
		return cmp.Compare(itemKey(&a), itemKey(&b))
	})
}

// put replaces the stored item with the same source and id, as an Upsert
// that changed it would, or adds it.
func (s *fakeStore) put(it sources.Item) {
	s.mu.Lock()
	s.items = slices.DeleteFunc(s.items, func(old sources.Item) bool { return itemKey(&old) == itemKey(&it) })
	s.mu.Unlock()
	s.add(it)
}

var errStoreDown = errors.New("store down")

func (s *fakeStore) Items(_ context.Context, q store.Query) ([]sources.Item, error) {
	s.queries.Add(1)
	if s.failing.Load() {
		return nil, errStoreDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sources.Item
	for i := range s.items {
		it := &s.items[i]
		d := it.Date()
		switch {
		case !slices.Contains(q.Sources, it.Source),
			!q.Since.IsZero() && d.Before(q.Since),
			!q.Before.IsZero() && (d.After(q.Before) || d.Equal(q.Before) && itemKey(it) <= q.BeforeKey):
			continue
		}
		out = append(out, *it)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *fakeStore) Upsert(context.Context, string, []sources.Item, time.Time) (store.UpsertStats, error) {
	return store.UpsertStats{}, nil
}
func (s *fakeStore) Has(context.Context, string, string) (bool, error) { return false, nil }
func (s *fakeStore) Prune(context.Context, string, int) (int64, error) { return 0, nil }
func (s *fakeStore) Counts(context.Context) (map[string]int, error)    { return nil, nil }
func (s *fakeStore) State(context.Context, string) (store.State, error) {
	return store.State{}, store.ErrNotFound
}
func (s *fakeStore) SetState(context.Context, store.State) error   { return nil }
func (s *fakeStore) States(context.Context) ([]store.State, error) { return nil, nil }
func (s *fakeStore) Close() error                                  { return nil }

func (s *fakeStore) Versions(_ context.Context, names []string) (map[string]time.Time, error) {
	if s.failing.Load() {
		return nil, errStoreDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time)
	for src, v := range s.versions {
		if names == nil || slices.Contains(names, src) {
			out[src] = v
		}
	}
	return out, nil
}

func (s *fakeStore) TouchFeeds(_ context.Context, keys []string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hot == nil {
		s.hot = make(map[string]time.Time)
	}
	for _, k := range keys {
		s.hot[k] = now
	}
	return nil
}

func (s *fakeStore) HotFeeds(ctx context.Context, since time.Time, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil { // as a database read fails
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, t := range s.hot {
		if !t.Before(since) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(s.hot[b].Compare(s.hot[a]), cmp.Compare(a, b))
	})
	if len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, nil
}
