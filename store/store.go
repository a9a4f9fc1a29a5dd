// Package store persists items and per-source fetch state. The Store
// interface has two implementations: store/sqlite (embedded, the default) and
// store/postgres (shared by several replicas); store/storetest is the
// conformance suite both pass.
package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

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

	// RecordFetch appends f to its source's fetch history and keeps only
	// the newest keep entries of that source, so the history stays bounded.
	RecordFetch(ctx context.Context, f Fetch, keep int) error
	// Fetches returns a source's newest fetches, newest first, at most
	// limit (0: all kept).
	Fetches(ctx context.Context, source string, limit int) ([]Fetch, error)
	// Versions returns, for each named source (every source when names is
	// nil), when its stored items last changed: an Upsert that wrote an item
	// or a Prune that deleted one moves it forward, strictly, even when the
	// clock does not. Sources never changed are absent. Feeds derive their
	// ETag and Last-Modified from it, so every replica agrees on them
	// without rendering.
	Versions(ctx context.Context, names []string) (map[string]time.Time, error)
	// TouchFeeds records that the rendered feeds named by keys were in
	// demand at now, and forgets those not in demand for HotFeedsKeep.
	TouchFeeds(ctx context.Context, keys []string, now time.Time) error
	// HotFeeds returns up to limit keys recorded by TouchFeeds at or after
	// since, most recently in demand first: a restart renders them first.
	HotFeeds(ctx context.Context, since time.Time, limit int) ([]string, error)

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
	// LastNewItem is when a fetch last brought an item not seen before;
	// zero when none ever has. A source with sources[].expect is stale
	// when it is older than that.
	LastNewItem time.Time
	// NextDue is when the source's schedule next comes round after its
	// last fetch, by whichever replica fetched it: a replica taking over a
	// source does not fetch it again before then.
	NextDue time.Time
}

// FetchHistory is how many fetches per source the daemon keeps for the
// status pages.
const FetchHistory = 50

// Bounds on what one Fetch keeps, so a hostile upstream's error text or a
// page of a thousand warnings cannot bloat the history.
const (
	MaxFetchError    = 2000 // bytes of Fetch.Error
	MaxFetchWarnings = 20   // entries of Fetch.Warnings
	MaxFetchWarning  = 500  // bytes of each warning
	MaxFetchMatches  = 50   // entries of Fetch.Matches
)

// Fetch is one recorded fetch of a source.
type Fetch struct {
	Source   string
	At       time.Time // when the fetch finished
	Outcome  string    // metrics.OutcomeOK, OutcomeNotModified or OutcomeError
	Status   int       // the upstream's HTTP status; 0 when unknown or not HTTP
	New      int       // items stored for the first time
	Updated  int       // stored items that changed
	Duration time.Duration
	Error    string // why the fetch failed; empty on success
	Warnings []string
	Matches  []sources.Match // per selector, for selector-driven sources
}

// Bounded returns f cut to the bounds above, on valid UTF-8 boundaries.
// Stores call it before writing.
func (f Fetch) Bounded() Fetch {
	f.Error = truncate(f.Error, MaxFetchError)
	if len(f.Warnings) > MaxFetchWarnings {
		more := len(f.Warnings) - MaxFetchWarnings + 1
		f.Warnings = append(f.Warnings[:MaxFetchWarnings-1:MaxFetchWarnings-1], fmt.Sprintf("%d more warnings not kept", more))
	}
	ws := make([]string, len(f.Warnings))
	for i, w := range f.Warnings {
		ws[i] = truncate(w, MaxFetchWarning)
	}
	if len(ws) == 0 {
		ws = nil
	}
	f.Warnings = ws
	// A copy: stores may clean the selector names in place.
	f.Matches = slices.Clone(f.Matches[:min(len(f.Matches), MaxFetchMatches)])
	if len(f.Matches) == 0 {
		f.Matches = nil
	}
	return f
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence,
// marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// HotFeedsKeep is how long TouchFeeds remembers a feed not in demand.
const HotFeedsKeep = 7 * 24 * time.Hour

// Leaser is implemented by stores shared by several replicas for work that
// is not a source's fetch (push's upstream subscriptions): a lease by name
// that expires unless renewed. Fetching uses Claimer instead, whose claims
// end with the replica's session rather than after a TTL.
type Leaser interface {
	// Lease takes or renews the lease on name for owner until ttl from
	// now; it reports false when another owner holds an unexpired lease.
	Lease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
}

// Claimer is implemented by stores shared by several replicas: a replica
// fetches a source only while it holds the source's claim, so replicas share
// the work instead of repeating it. A claim lasts as long as the replica's
// session with the store: when the replica dies, its claims go with it and
// the others take its sources over on their next tick. Stores used by one
// process need not implement it.
type Claimer interface {
	// ClaimSource takes the claim on source, or confirms that this replica still
	// holds it; it reports false when another replica holds it.
	ClaimSource(ctx context.Context, source string) (bool, error)
	// ReleaseSource gives up the claim on source (a source removed from the
	// configuration), if this replica holds it.
	ReleaseSource(ctx context.Context, source string) error
}

// Watcher is implemented by stores shared by several replicas: a replica
// serves feeds whose sources another replica fetched, so it must hear of
// their changes to re-render.
type Watcher interface {
	// Watch calls changed with the name of each source whose items any
	// process changed, until ctx is done.
	Watch(ctx context.Context, changed func(source string)) error
}
