package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

// RecordFetch appends f to its source's history and deletes all but the
// newest keep entries of the source, in one transaction. Every replica
// records into the same table, so the status pages agree.
func (db *DB) RecordFetch(ctx context.Context, f store.Fetch, keep int) error {
	if f.Source == "" {
		return errors.New("record fetch: empty source name")
	}
	f = f.Bounded()
	for i, w := range f.Warnings {
		f.Warnings[i] = clean(w)
	}
	for i := range f.Matches {
		f.Matches[i].Selector = clean(f.Matches[i].Selector)
	}
	warnings, errW := codec.EncodeList(f.Warnings)
	matches, errM := codec.EncodeList(f.Matches)
	if err := errors.Join(errW, errM); err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	src := clean(f.Source)
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO fetches (source, at, outcome, http_status, new_items, updated_items,
	duration_ms, error, warnings, matches) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)`,
			src, f.At, clean(f.Outcome), f.Status, f.New, f.Updated, f.Duration.Milliseconds(), clean(f.Error),
			pgtype.Text{String: warnings, Valid: warnings != ""}, pgtype.Text{String: matches, Valid: matches != ""})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM fetches WHERE source = $1 AND seq NOT IN (
	SELECT seq FROM fetches WHERE source = $1 ORDER BY at DESC, seq DESC LIMIT $2)`, src, max(keep, 0))
		return err
	})
	if err != nil {
		return fmt.Errorf("record fetch %s: %w", f.Source, err)
	}
	return nil
}

// Fetches returns the source's newest fetches, newest first.
func (db *DB) Fetches(ctx context.Context, source string, limit int) ([]store.Fetch, error) {
	var lim pgtype.Int8 // NULL: no limit
	if limit > 0 {
		lim = pgtype.Int8{Int64: int64(limit), Valid: true}
	}
	rows, err := db.pool.Query(ctx, `SELECT at, outcome, http_status, new_items, updated_items, duration_ms,
	error, coalesce(warnings::text, ''), coalesce(matches::text, '') FROM fetches WHERE source = $1
	ORDER BY at DESC, seq DESC LIMIT $2`, clean(source), lim)
	if err != nil {
		return nil, fmt.Errorf("fetches %s: %w", source, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Fetch, error) {
		f := store.Fetch{Source: source}
		var ms int64
		var warnings, matches string
		if err := row.Scan(&f.At, &f.Outcome, &f.Status, &f.New, &f.Updated, &ms, &f.Error, &warnings, &matches); err != nil {
			return f, err
		}
		f.At, f.Duration = f.At.UTC(), time.Duration(ms)*time.Millisecond
		var errW, errM error
		f.Warnings, errW = codec.DecodeList[string](warnings)
		f.Matches, errM = codec.DecodeList[sources.Match](matches)
		return f, errors.Join(errW, errM)
	})
	if err != nil {
		return nil, fmt.Errorf("fetches %s: %w", source, err)
	}
	return out, nil
}
