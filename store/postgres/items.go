package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

const itemColumns = `source, id, link, title, summary, content, authors::text, categories::text,
	enclosures::text, image, published, updated, first_seen, changed, extra`

// itemsQuery builds the window query, in the order of the
// (sort_date DESC, source, id) index.
func itemsQuery(q store.Query, names []string) (string, []any) {
	var b strings.Builder
	args := []any{names}
	b.WriteString("SELECT " + itemColumns + " FROM items WHERE source = ANY($1::text[])")
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !q.Since.IsZero() {
		b.WriteString(" AND sort_date >= " + arg(q.Since))
	}
	if !q.Before.IsZero() {
		before := arg(q.Before)
		if q.BeforeKey == "" {
			b.WriteString(" AND sort_date < " + before)
		} else {
			src, id := codec.SplitKey(q.BeforeKey)
			src, id = clean(src), clean(id)
			fmt.Fprintf(&b, " AND (sort_date < %s OR (sort_date = %s AND (source, id) > (%s, %s)))",
				before, before, arg(src), arg(id))
		}
	}
	b.WriteString(" ORDER BY sort_date DESC, source, id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + arg(q.Limit))
	}
	return b.String(), args
}

// Items returns the window of items q selects, newest first, ties broken by
// source and ID. A query without sources returns nothing.
func (db *DB) Items(ctx context.Context, q store.Query) ([]sources.Item, error) {
	names := codec.Unique(cleanAll(q.Sources))
	if len(names) == 0 {
		return nil, nil
	}
	query, args := itemsQuery(q, names)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanItem)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	return items, nil
}

func scanItem(row pgx.CollectableRow) (sources.Item, error) {
	var (
		it                              sources.Item
		authors, categories, enclosures pgtype.Text
		published, updated              pgtype.Timestamptz
		firstSeen, changed              pgtype.Timestamptz
		extra                           string
	)
	err := row.Scan(&it.Source, &it.ID, &it.Link, &it.Title, &it.Summary, &it.Content,
		&authors, &categories, &enclosures, &it.Image, &published, &updated, &firstSeen, &changed, &extra)
	if err != nil {
		return it, err
	}
	it.Published, it.Updated = fromTimestamptz(published), fromTimestamptz(updated)
	it.FirstSeen, it.Changed = fromTimestamptz(firstSeen), fromTimestamptz(changed)
	if err := codec.DecodeExtra(&it, extra); err != nil {
		return it, err
	}
	return it, codec.DecodeLists(&it, authors.String, categories.String, enclosures.String)
}

// Has reports whether the item is stored.
func (db *DB) Has(ctx context.Context, source, id string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE source = $1 AND id = $2)`,
		clean(source), clean(id)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("has %s/%s: %w", source, id, err)
	}
	return ok, nil
}

// Prune deletes all but the newest keep items of the source.
func (db *DB) Prune(ctx context.Context, source string, keep int) (int64, error) {
	if keep < 0 {
		return 0, fmt.Errorf("prune %s: negative keep %d", source, keep)
	}
	var deleted int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
DELETE FROM items WHERE source = $1 AND id NOT IN (
	SELECT id FROM items WHERE source = $1 ORDER BY sort_date DESC, id LIMIT $2)`, clean(source), keep)
		if err != nil {
			return err
		}
		if deleted = tag.RowsAffected(); deleted > 0 {
			if err := bumpVersion(ctx, tx, source, time.Now()); err != nil {
				return err
			}
			return db.notify(ctx, tx, source)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", source, err)
	}
	return deleted, nil
}

// Counts returns the number of stored items per source.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT source, count(*) FROM items GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	counts := make(map[string]int)
	var (
		src string
		n   int
	)
	_, err = pgx.ForEachRow(rows, []any{&src, &n}, func() error {
		counts[src] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	return counts, nil
}
