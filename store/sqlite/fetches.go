package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

// RecordFetch appends f to its source's history and deletes all but the
// newest keep entries of the source, in one transaction.
func (db *DB) RecordFetch(ctx context.Context, f store.Fetch, keep int) (err error) {
	if f.Source == "" {
		return errors.New("record fetch: empty source name")
	}
	f = f.Bounded()
	warnings, errW := codec.EncodeList(f.Warnings)
	matches, errM := codec.EncodeList(f.Matches)
	if err := errors.Join(errW, errM); err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that made us roll back says more
		}
	}()
	_, err = tx.ExecContext(ctx, `INSERT INTO fetches (source, at, outcome, http_status, new_items, updated_items,
	duration_ms, error, warnings, matches) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.Source, f.At.UnixMilli(), f.Outcome, f.Status, f.New, f.Updated, f.Duration.Milliseconds(),
		f.Error, warnings, matches)
	if err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	// The index on (source, at DESC, seq DESC) serves both the OFFSET scan
	// and the delete.
	_, err = tx.ExecContext(ctx, `DELETE FROM fetches WHERE source = ? AND seq NOT IN (
	SELECT seq FROM fetches WHERE source = ? ORDER BY at DESC, seq DESC LIMIT ?)`, f.Source, f.Source, max(keep, 0))
	if err != nil {
		return fmt.Errorf("record fetch %s: trim: %w", f.Source, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	return nil
}

// Fetches returns the source's newest fetches, newest first.
func (db *DB) Fetches(ctx context.Context, source string, limit int) ([]store.Fetch, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.read.QueryContext(ctx, `SELECT at, outcome, http_status, new_items, updated_items, duration_ms,
	error, warnings, matches FROM fetches WHERE source = ? ORDER BY at DESC, seq DESC LIMIT ?`, source, limit)
	if err != nil {
		return nil, fmt.Errorf("fetches %s: %w", source, err)
	}
	defer rows.Close()
	var out []store.Fetch
	for rows.Next() {
		f := store.Fetch{Source: source}
		var at, ms int64
		var warnings, matches string
		if err := rows.Scan(&at, &f.Outcome, &f.Status, &f.New, &f.Updated, &ms, &f.Error, &warnings, &matches); err != nil {
			return nil, fmt.Errorf("fetches %s: %w", source, err)
		}
		f.At, f.Duration = time.UnixMilli(at).UTC(), time.Duration(ms)*time.Millisecond
		var errW, errM error
		f.Warnings, errW = codec.DecodeList[string](warnings)
		f.Matches, errM = codec.DecodeList[sources.Match](matches)
		if err := errors.Join(errW, errM); err != nil {
			return nil, fmt.Errorf("fetches %s: %w", source, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fetches %s: %w", source, err)
	}
	return out, nil
}
