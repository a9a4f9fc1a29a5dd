// Package store persists items and per-source fetch state. The Store
// interface has two implementations: store/sqlite (embedded, the default) and
// store/postgres (shared by several replicas); store/storetest is the
// conformance suite both pass.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// ErrNotFound is returned when a source has no stored state yet.
var ErrNotFound = errors.New("not found")

// Store persists items and source state. Implementations are safe for
// concurrent use.
type Store interface {
	// Upsert stores one source's items in one transaction, keyed by
	// (source, item ID). The first time an item is seen is recorded once and
	// never changes; an update never replaces stored content with empty
	// content.
	Upsert(ctx context.Context, source string, items []sources.Item, now time.Time) (UpsertStats, error)
	// Items returns items of the given sources, newest first by
	// Item.Date(), honouring the query's window.
	Items(ctx context.Context, q Query) ([]sources.Item, error)
	// Has reports whether the item is stored.
	Has(ctx context.Context, source, id string) (bool, error)
	// Prune keeps the newest keep items of the source and deletes the rest,
	// returning how many it deleted.
	Prune(ctx context.Context, source string, keep int) (int64, error)
	// Counts returns the number of stored items per source.
	Counts(ctx context.Context) (map[string]int, error)

	// State returns a source's fetch state, or ErrNotFound.
	State(ctx context.Context, source string) (State, error)
	// SetState saves a source's fetch state.
	SetState(ctx context.Context, st State) error
	// States returns the fetch state of every source that has one.
	States(ctx context.Context) ([]State, error)

	Close() error
}

// Query selects a window of items.
type Query struct {
	Sources []string
	// Since drops items dated before it; zero keeps all.
	Since time.Time
	// Before is a cursor for paging: only items strictly older than
	// (Before, BeforeKey) in the ordering are returned. Zero starts at the
	// newest.
	Before    time.Time
	BeforeKey string // source + "\x00" + id of the last item of the previous page
	Limit     int    // at most this many; 0 means no limit
}

// UpsertStats counts what an Upsert changed.
type UpsertStats struct {
	New     int
	Updated int
}

// State is what tributary remembers about fetching one source.
type State struct {
	Source       string
	ETag         string
	LastModified string
	LastFetch    time.Time
	LastSuccess  time.Time
	LastError    string
	Failures     int // consecutive failed fetches
	// NotBefore is the earliest next fetch the upstream asked for.
	NotBefore time.Time
}

// Leaser is implemented by stores shared by several replicas: a replica
// fetches a source only while it holds the source's lease, so replicas share
// the work instead of repeating it. Stores used by one process need not
// implement it.
type Leaser interface {
	// Lease takes or renews the lease on source for owner until ttl from
	// now; it reports false when another owner holds an unexpired lease.
	Lease(ctx context.Context, source, owner string, ttl time.Duration) (bool, error)
}

// Watcher is implemented by stores shared by several replicas: a replica
// serves feeds whose sources another replica fetched, so it must hear of
// their changes to re-render.
type Watcher interface {
	// Watch calls changed with the name of each source whose items any
	// process changed, until ctx is done.
	Watch(ctx context.Context, changed func(source string)) error
}
