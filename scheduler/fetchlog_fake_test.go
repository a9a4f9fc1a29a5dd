package scheduler

import (
	"context"

	"github.com/tributaryfeeds/tributary/store"
)

func (m *memStore) RecordFetch(_ context.Context, f store.Fetch, keep int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fetches == nil {
		m.fetches = map[string][]store.Fetch{}
	}
	list := append([]store.Fetch{f.Bounded()}, m.fetches[f.Source]...)
	m.fetches[f.Source] = list[:min(len(list), keep)]
	return nil
}

func (m *memStore) Fetches(_ context.Context, source string, limit int) ([]store.Fetch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := m.fetches[source]
	if limit > 0 && limit < len(list) {
		list = list[:limit]
	}
	return append([]store.Fetch(nil), list...), nil
}
