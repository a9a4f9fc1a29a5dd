package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

var _ store.Archiver = (*DB)(nil)

// History returns items in history order, (first_seen, source, id); the
// columns are COLLATE "C", so ties order by bytes as in SQLite and Go.
func (db *DB) History(ctx context.Context, q store.HistoryQuery) ([]sources.Item, error) {
	names := codec.Unique(cleanAll(q.Sources))
	if len(names) == 0 {
		return nil, nil
	}
	var b strings.Builder
	args := []any{names}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	b.WriteString("SELECT " + itemColumns + " FROM items WHERE source = ANY($1::text[])")
	if c := q.After; !c.IsZero() {
		at := arg(c.FirstSeen)
		fmt.Fprintf(&b, " AND first_seen >= %s AND (first_seen, source, id) > (%s, %s, %s)", at, at, arg(clean(c.Source)), arg(clean(c.ID)))
	}
	if c := q.Through; !c.IsZero() {
		at := arg(c.FirstSeen)
		fmt.Fprintf(&b, " AND first_seen <= %s AND (first_seen, source, id) <= (%s, %s, %s)", at, at, arg(clean(c.Source)), arg(clean(c.ID)))
	}
	b.WriteString(" ORDER BY first_seen, source, id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + arg(q.Limit))
	}
	rows, err := db.pool.Query(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanItem)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return items, nil
}

// ArchivePages returns feed's page boundaries in page order.
func (db *DB) ArchivePages(ctx context.Context, feed string) ([]store.Cursor, error) {
	rows, err := db.pool.Query(ctx, `SELECT n, first_seen, source, id FROM archive_pages WHERE feed = $1 ORDER BY n`, clean(feed))
	if err != nil {
		return nil, fmt.Errorf("archive pages of %s: %w", feed, err)
	}
	var out []store.Cursor
	var n int
	var c store.Cursor
	_, err = pgx.ForEachRow(rows, []any{&n, &c.FirstSeen, &c.Source, &c.ID}, func() error {
		if n != len(out)+1 {
			return fmt.Errorf("page %d recorded after page %d", n, len(out))
		}
		c.FirstSeen = c.FirstSeen.UTC()
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive pages of %s: %w", feed, err)
	}
	return out, nil
}

// AddArchivePage records page n's boundary unless it is recorded already;
// when replicas race, the first insert wins and both read it back.
func (db *DB) AddArchivePage(ctx context.Context, feed string, n int, last store.Cursor) error {
	if n < 1 || last.IsZero() {
		return fmt.Errorf("add archive page %s/%d: invalid page or boundary", feed, n)
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO archive_pages (feed, n, first_seen, source, id) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (feed, n) DO NOTHING`, clean(feed), n, last.FirstSeen, clean(last.Source), clean(last.ID))
	if err != nil {
		return fmt.Errorf("add archive page %s/%d: %w", feed, n, err)
	}
	return nil
}
