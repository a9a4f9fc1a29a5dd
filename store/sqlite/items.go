package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

const itemColumns = `source, id, link, title, summary, content, authors, categories,
	enclosures, image, published, updated, first_seen, changed, extra`

// itemsQuery builds the window query. The inner select finds the window's
// keys from the (source, sort_date, id) index alone, which holds every column
// it needs; only the rows of the window are then read from the table, so
// large contents outside the window are never touched.
func itemsQuery(q store.Query, names []string) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, len(names)+6)
	b.WriteString("SELECT " + itemColumns + " FROM (SELECT rowid AS r, sort_date AS d, source AS s, id AS k FROM items WHERE source IN ")
	args = inSources(&b, args, names)
	if !q.Since.IsZero() {
		b.WriteString(" AND sort_date >= ?")
		args = append(args, q.Since.UnixMilli())
	}
	if !q.Before.IsZero() {
		before := q.Before.UnixMilli()
		if q.BeforeKey == "" {
			b.WriteString(" AND sort_date < ?")
			args = append(args, before)
		} else {
			src, id := codec.SplitKey(q.BeforeKey)
			b.WriteString(" AND (sort_date < ? OR (sort_date = ? AND (source, id) > (?, ?)))")
			args = append(args, before, before, src, id)
		}
	}
	b.WriteString(" ORDER BY sort_date DESC, source, id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	b.WriteString(") JOIN items ON items.rowid = r ORDER BY d DESC, s, k")
	return b.String(), args
}

// Items returns the window of items q selects, newest first, ties broken by
// source and ID. A query without sources returns nothing.
func (db *DB) Items(ctx context.Context, q store.Query) ([]sources.Item, error) {
	names := codec.Unique(q.Sources)
	if len(names) == 0 {
		return nil, nil
	}
	query, args := itemsQuery(q, names)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	defer rows.Close()
	var items []sources.Item
	if q.Limit > 0 {
		items = make([]sources.Item, 0, q.Limit)
	}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	return items, nil
}

func scanItem(rows *sql.Rows) (sources.Item, error) {
	var (
		it                              sources.Item
		authors, categories, enclosures string
		extra                           string
		published, updated              sql.NullInt64
		firstSeen, changed              sql.NullInt64 // NOT NULL columns
	)
	err := rows.Scan(&it.Source, &it.ID, &it.Link, &it.Title, &it.Summary, &it.Content,
		&authors, &categories, &enclosures, &it.Image, &published, &updated, &firstSeen, &changed, &extra)
	if err != nil {
		return it, err
	}
	it.Published, it.Updated = fromMillis(published), fromMillis(updated)
	it.FirstSeen, it.Changed = fromMillis(firstSeen), fromMillis(changed)
	if err := codec.DecodeExtra(&it, extra); err != nil {
		return it, err
	}
	return it, codec.DecodeLists(&it, authors, categories, enclosures)
}

// Has reports whether the item is stored.
func (db *DB) Has(ctx context.Context, source, id string) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM items WHERE source = ? AND id = ?`, source, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("has %s/%s: %w", source, id, err)
	}
	return true, nil
}

// Prune deletes all but the newest keep items of the source.
func (db *DB) Prune(ctx context.Context, source string, keep int) (int64, error) {
	if keep < 0 {
		return 0, fmt.Errorf("prune %s: negative keep %d", source, keep)
	}
	// Most fetches have nothing to prune: find out on the read pool, so
	// that they do not queue for the single writer (with thousands of
	// sources, writes are what an ingest waits for).
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE source = ?`, source).Scan(&n); err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	if n <= keep {
		return 0, nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `
DELETE FROM items WHERE source = ?1 AND id NOT IN (
	SELECT id FROM items WHERE source = ?1 ORDER BY sort_date DESC, id LIMIT ?2)`, source, keep)
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	if deleted == 0 {
		return 0, nil // nothing to commit
	}
	if err := bumpVersion(ctx, tx, source, time.Now()); err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune %s: commit: %w", source, err)
	}
	return deleted, nil
}

// Counts returns the number of stored items per source.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT source, count(*) FROM items GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	counts := make(map[string]int)
	for rows.Next() {
		var (
			src string
			n   int
		)
		if err := rows.Scan(&src, &n); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		counts[src] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	return counts, nil
}
