package store

import (
	"context"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// Cursor is a position in history order: items sorted by when the store
// first saw them, ties broken by source, then item ID (byte order). An
// item's place in that order never changes, which is what lets RFC 5005
// archive pages stay put while new items arrive.
type Cursor struct {
	FirstSeen time.Time
	Source    string
	ID        string
}

// IsZero reports whether c is the start of history.
func (c Cursor) IsZero() bool { return c.FirstSeen.IsZero() && c.Source == "" && c.ID == "" }

// CursorOf is the position of a stored item.
func CursorOf(it *sources.Item) Cursor {
	return Cursor{FirstSeen: it.FirstSeen, Source: it.Source, ID: it.ID}
}

// Less reports whether c comes before d in history order.
func (c Cursor) Less(d Cursor) bool {
	switch {
	case !c.FirstSeen.Equal(d.FirstSeen):
		return c.FirstSeen.Before(d.FirstSeen)
	case c.Source != d.Source:
		return c.Source < d.Source
	}
	return c.ID < d.ID
}

// HistoryQuery selects items in history order.
type HistoryQuery struct {
	Sources []string
	// After keeps items strictly after it; zero starts at the oldest.
	After Cursor
	// Through keeps items up to and including it; zero has no end.
	Through Cursor
	Limit   int // at most this many; 0 means no limit
}

// Archiver is implemented by stores that keep RFC 5005 archives: the
// history order and the boundaries of each feed's complete archive pages.
// Both stores implement it (see storetest).
type Archiver interface {
	// History returns items of the query's sources, oldest first in
	// history order (see Cursor).
	History(ctx context.Context, q HistoryQuery) ([]sources.Item, error)
	// ArchivePages returns the recorded boundaries of feed's complete
	// pages: element n-1 is the position of the last item of page n.
	ArchivePages(ctx context.Context, feed string) ([]Cursor, error)
	// AddArchivePage records the boundary of page n of feed unless one is
	// already recorded (by another replica, say): the first one wins, and
	// callers read the pages again afterwards.
	AddArchivePage(ctx context.Context, feed string, n int, last Cursor) error
}
