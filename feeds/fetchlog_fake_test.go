package feeds

import (
	"context"

	"github.com/tributaryfeeds/tributary/store"
)

// The fetch history is no business of feeds: the fake keeps none.

func (s *fakeStore) RecordFetch(context.Context, store.Fetch, int) error { return nil }

func (s *fakeStore) Fetches(context.Context, string, int) ([]store.Fetch, error) { return nil, nil }
