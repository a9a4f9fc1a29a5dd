package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

var _ store.Archiver = (*DB)(nil)

// History returns items in history order, (first_seen, source, id).
func (db *DB) History(ctx context.Context, q store.HistoryQuery) ([]sources.Item, error) {
	names := codec.Unique(q.Sources)
	if len(names) == 0 {
		return nil, nil
	}
	var b strings.Builder
	args := make([]any, 0, len(names)+7)
	b.WriteString("SELECT " + itemColumns + " FROM items WHERE source IN ")
	args = inSources(&b, args, names)
	if !q.After.IsZero() {
		// The plain first_seen bound lets the planner use the index range;
		// the row value then settles ties.
		b.WriteString(" AND first_seen >= ? AND (first_seen, source, id) > (?, ?, ?)")
		args = append(args, q.After.FirstSeen.UnixMilli(), q.After.FirstSeen.UnixMilli(), q.After.Source, q.After.ID)
	}
	if !q.Through.IsZero() {
		b.WriteString(" AND first_seen <= ? AND (first_seen, source, id) <= (?, ?, ?)")
		args = append(args, q.Through.FirstSeen.UnixMilli(), q.Through.FirstSeen.UnixMilli(), q.Through.Source, q.Through.ID)
	}
	b.WriteString(" ORDER BY first_seen, source, id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	rows, err := db.read.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var items []sources.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return items, nil
}

// ArchivePages returns feed's page boundaries in page order.
func (db *DB) ArchivePages(ctx context.Context, feed string) ([]store.Cursor, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT n, first_seen, source, id FROM archive_pages WHERE feed = ? ORDER BY n`, feed)
	if err != nil {
		return nil, fmt.Errorf("archive pages of %s: %w", feed, err)
	}
	defer rows.Close()
	var out []store.Cursor
	for rows.Next() {
		var (
			n         int
			firstSeen sql.NullInt64
			c         store.Cursor
		)
		if err := rows.Scan(&n, &firstSeen, &c.Source, &c.ID); err != nil {
			return nil, fmt.Errorf("archive pages of %s: %w", feed, err)
		}
		if n != len(out)+1 {
			return nil, fmt.Errorf("archive pages of %s: page %d recorded after page %d", feed, n, len(out))
		}
		c.FirstSeen = fromMillis(firstSeen)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive pages of %s: %w", feed, err)
	}
	return out, nil
}

// AddArchivePage records page n's boundary unless it is recorded already.
func (db *DB) AddArchivePage(ctx context.Context, feed string, n int, last store.Cursor) error {
	if n < 1 || last.IsZero() {
		return fmt.Errorf("add archive page %s/%d: invalid page or boundary", feed, n)
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO archive_pages (feed, n, first_seen, source, id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (feed, n) DO NOTHING`, feed, n, last.FirstSeen.UnixMilli(), last.Source, last.ID)
	if err != nil {
		return fmt.Errorf("add archive page %s/%d: %w", feed, n, err)
	}
	return nil
}
