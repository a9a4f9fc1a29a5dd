// Package storetest is the conformance suite every store.Store passes, and
// the benchmarks that compare them.
//
// Beyond what the store package documents, the suite pins down:
//   - Items orders by Item.Date() newest first, ties broken by source, then
//     item ID, ascending; the paging cursor (Before, BeforeKey) follows that
//     order. A cursor with an empty BeforeKey keeps items dated strictly
//     before Before.
//   - A query with no Sources returns no items.
//   - Empty lists (authors, categories, enclosures) come back nil; dates come
//     back in UTC, exact to at least the second.
//   - An Upsert batch holding one ID twice stores the last; an item without
//     an ID fails the whole batch.
//   - Item.Changed is the now of the Upsert that inserted the item or last
//     changed it; an Upsert that changes nothing stored leaves it alone.
//   - Concurrent Upserts of the same items count each new item once.
//   - States is ordered by source.
//   - Fetches orders by Fetch.At newest first, ties by insertion, newest
//     first; RecordFetch keeps the newest keep of that source only and
//     stores Fetch.Bounded(); Duration is kept to the millisecond.
//   - Versions are kept to the millisecond: an Upsert that writes sets the
//     source's version to its now, or 1 ms past the stored version when
//     now is not later; Prune that deletes moves it forward likewise.
//   - Upsert stores Item.SimHash, computing it (sources.SimHash) when the
//     item has none; it is no part of what counts as a change.
//   - Stores implement store.Archiver: History orders by (first seen,
//     source, ID) ascending, an item seen again keeps its place; the first
//     boundary recorded for an archive page wins.
package storetest

import (
	"testing"

	"github.com/tributaryfeeds/tributary/store"
)

// Opener opens the store under test.
type Opener interface {
	// Location returns a fresh, empty storage location (a file path, a
	// schema) that lives until tb ends.
	Location(tb testing.TB) string
	// Open opens the store at loc. Called again on the same location after
	// Close, it must find the data written before.
	Open(tb testing.TB, loc string) store.Store
}

// Run runs the conformance suite, each subtest against a fresh location.
func Run(t *testing.T, o Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, o Opener)
	}{
		{"UpsertStats", testUpsertStats},
		{"FirstSeenOnce", testFirstSeenOnce},
		{"UndatedKeepsFirstSeen", testUndatedKeepsFirstSeen},
		{"EmptyContentKept", testEmptyContentKept},
		{"ChangedOnInsert", testChangedOnInsert},
		{"ChangedKeptUnchanged", testChangedKeptUnchanged},
		{"ChangedMovesOnUpdate", testChangedMovesOnUpdate},
		{"ChangedKeptOnEmptyContent", testChangedKeptOnEmptyContent},
		{"ChangedReopen", testChangedReopen},
		{"RoundTrip", testRoundTrip},
		{"DuplicateIDs", testDuplicateIDs},
		{"MissingIDFailsBatch", testMissingIDFailsBatch},
		{"Ordering", testOrdering},
		{"SourcesFilter", testSourcesFilter},
		{"Since", testSince},
		{"Limit", testLimit},
		{"Paging", testPaging},
		{"Has", testHas},
		{"Prune", testPrune},
		{"Counts", testCounts},
		{"State", testState},
		{"States", testStates},
		{"ConcurrentUpserts", testConcurrentUpserts},
		{"FetchRoundTrip", testFetchRoundTrip},
		{"FetchOrderAndLimit", testFetchOrderAndLimit},
		{"FetchKeepBound", testFetchKeepBound},
		{"FetchBounded", testFetchBounded},
		{"FetchReopen", testFetchReopen},
		{"Reopen", testReopen},
		{"ExtraRoundTrip", testExtraRoundTrip},
		{"OriginUpdatedNoChange", testOriginUpdatedNoChange},
		{"SimHashAtIngest", testSimHashAtIngest},
		{"ManySources", testManySources},
		{"VersionsMove", testVersionsMove},
		{"VersionsSelect", testVersionsSelect},
		{"VersionsReopen", testVersionsReopen},
		{"HotFeeds", testHotFeeds},
		{"HistoryOrder", testHistoryOrder},
		{"HistoryPaging", testHistoryPaging},
		{"ArchivePages", testArchivePages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, o)
		})
	}
}

// open opens a store on a fresh location and closes it when t ends.
func open(tb testing.TB, o Opener) store.Store {
	tb.Helper()
	s := o.Open(tb, o.Location(tb))
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s
}
