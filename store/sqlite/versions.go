package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// bumpVersion moves the source's version to now, or just past the stored
// one when the clock has not passed it, so that every change is a new
// version.
func bumpVersion(ctx context.Context, tx *sql.Tx, source string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `
INSERT INTO versions (source, changed) VALUES (?1, ?2)
ON CONFLICT (source) DO UPDATE SET changed = max(excluded.changed, versions.changed + 1)`, source, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	return nil
}

// Versions returns when the named sources' items last changed (every
// source's when names is nil).
func (db *DB) Versions(ctx context.Context, names []string) (map[string]time.Time, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if names == nil {
		rows, err = db.read.QueryContext(ctx, `SELECT source, changed FROM versions`)
	} else {
		var b strings.Builder
		b.WriteString("SELECT source, changed FROM versions WHERE source IN ")
		args := inSources(&b, nil, names)
		rows, err = db.read.QueryContext(ctx, b.String(), args...)
	}
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	defer rows.Close()
	out := make(map[string]time.Time, len(names))
	for rows.Next() {
		var (
			src string
			ms  int64
		)
		if err := rows.Scan(&src, &ms); err != nil {
			return nil, fmt.Errorf("versions: %w", err)
		}
		out[src] = time.UnixMilli(ms).UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	return out, nil
}

// TouchFeeds records that the feeds were in demand at now.
func (db *DB) TouchFeeds(ctx context.Context, keys []string, now time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("touch feeds: %w", err)
	}
	defer tx.Rollback()
	put, err := tx.PrepareContext(ctx, `
INSERT INTO hot_feeds (feed, used) VALUES (?1, ?2)
ON CONFLICT (feed) DO UPDATE SET used = max(excluded.used, hot_feeds.used)`)
	if err != nil {
		return fmt.Errorf("touch feeds: %w", err)
	}
	defer put.Close()
	for _, k := range keys {
		if _, err := put.ExecContext(ctx, k, now.UnixMilli()); err != nil {
			return fmt.Errorf("touch feed %s: %w", k, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM hot_feeds WHERE used < ?`, now.Add(-store.HotFeedsKeep).UnixMilli()); err != nil {
		return fmt.Errorf("touch feeds: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("touch feeds: commit: %w", err)
	}
	return nil
}

// HotFeeds returns up to limit feeds in demand since since, most recent
// first.
func (db *DB) HotFeeds(ctx context.Context, since time.Time, limit int) ([]string, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT feed FROM hot_feeds WHERE used >= ? ORDER BY used DESC, feed LIMIT ?`, since.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("hot feeds: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("hot feeds: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hot feeds: %w", err)
	}
	return out, nil
}
