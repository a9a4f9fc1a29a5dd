package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/store"
)

// bumpVersion moves the source's version to now (in milliseconds, as
// SQLite keeps it), or just past the stored one when the clock has not
// passed it, so that every change is a new version.
func bumpVersion(ctx context.Context, tx pgx.Tx, source string, now time.Time) error {
	_, err := tx.Exec(ctx, `
INSERT INTO versions (source, changed) VALUES ($1, date_trunc('milliseconds', $2::timestamptz))
ON CONFLICT (source) DO UPDATE SET
	changed = greatest(excluded.changed, versions.changed + interval '1 millisecond')`, clean(source), now)
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	return nil
}

// Versions returns when the named sources' items last changed (every
// source's when names is nil).
func (db *DB) Versions(ctx context.Context, names []string) (map[string]time.Time, error) {
	var (
		rows pgx.Rows
		err  error
	)
	if names == nil {
		rows, err = db.pool.Query(ctx, `SELECT source, changed FROM versions`)
	} else {
		cleaned := make([]string, len(names))
		for i, n := range names {
			cleaned[i] = clean(n)
		}
		rows, err = db.pool.Query(ctx, `SELECT source, changed FROM versions WHERE source = ANY($1)`, cleaned)
	}
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	out := make(map[string]time.Time, len(names))
	var (
		src string
		t   time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&src, &t}, func() error {
		out[src] = t.UTC()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	return out, nil
}

// TouchFeeds records that the feeds were in demand at now.
func (db *DB) TouchFeeds(ctx context.Context, keys []string, now time.Time) error {
	cleaned := make([]string, len(keys))
	for i, k := range keys {
		cleaned[i] = clean(k)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
INSERT INTO hot_feeds (feed, used) SELECT DISTINCT unnest($1::text[]), $2::timestamptz
ON CONFLICT (feed) DO UPDATE SET used = greatest(excluded.used, hot_feeds.used)`, cleaned, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM hot_feeds WHERE used < $1`, now.Add(-store.HotFeedsKeep))
		return err
	})
	if err != nil {
		return fmt.Errorf("touch feeds: %w", err)
	}
	return nil
}

// HotFeeds returns up to limit feeds in demand since since, most recent
// first.
func (db *DB) HotFeeds(ctx context.Context, since time.Time, limit int) ([]string, error) {
	rows, err := db.pool.Query(ctx,
		`SELECT feed FROM hot_feeds WHERE used >= $1 ORDER BY used DESC, feed LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("hot feeds: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("hot feeds: %w", err)
	}
	return keys, nil
}
