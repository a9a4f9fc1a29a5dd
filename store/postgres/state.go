package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tributaryfeeds/tributary/store"
)

const stateColumns = `source, etag, last_modified, last_fetch, last_success, last_error, failures, not_before, last_new_item, next_due`

func scanState(row pgx.CollectableRow) (store.State, error) {
	var (
		st                        store.State
		fetch, success, notBefore pgtype.Timestamptz
		lastNew, due              pgtype.Timestamptz
	)
	err := row.Scan(&st.Source, &st.ETag, &st.LastModified, &fetch, &success, &st.LastError, &st.Failures, &notBefore, &lastNew, &due)
	st.LastFetch, st.LastSuccess, st.NotBefore = fromTimestamptz(fetch), fromTimestamptz(success), fromTimestamptz(notBefore)
	st.LastNewItem, st.NextDue = fromTimestamptz(lastNew), fromTimestamptz(due)
	return st, err
}

// State returns a source's fetch state, or store.ErrNotFound.
func (db *DB) State(ctx context.Context, source string) (store.State, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+stateColumns+` FROM states WHERE source = $1`, clean(source))
	if err != nil {
		return store.State{}, fmt.Errorf("state %s: %w", source, err)
	}
	st, err := pgx.CollectExactlyOneRow(rows, scanState)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.State{}, fmt.Errorf("state %s: %w", source, store.ErrNotFound)
	case err != nil:
		return store.State{}, fmt.Errorf("state %s: %w", source, err)
	}
	return st, nil
}

// SetState saves a source's fetch state, replacing the previous one.
func (db *DB) SetState(ctx context.Context, st store.State) error {
	if st.Source == "" {
		return errors.New("set state: empty source name")
	}
	_, err := db.pool.Exec(ctx, `
INSERT INTO states (`+stateColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (source) DO UPDATE SET
	etag = excluded.etag,
	last_modified = excluded.last_modified,
	last_fetch = excluded.last_fetch,
	last_success = excluded.last_success,
	last_error = excluded.last_error,
	failures = excluded.failures,
	not_before = excluded.not_before,
	last_new_item = excluded.last_new_item,
	next_due = excluded.next_due`,
		clean(st.Source), clean(st.ETag), clean(st.LastModified), timestamptz(st.LastFetch),
		timestamptz(st.LastSuccess), clean(st.LastError), st.Failures, timestamptz(st.NotBefore),
		timestamptz(st.LastNewItem), timestamptz(st.NextDue))
	if err != nil {
		return fmt.Errorf("set state %s: %w", st.Source, err)
	}
	return nil
}

// States returns the fetch state of every source that has one, by source.
func (db *DB) States(ctx context.Context) ([]store.State, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+stateColumns+` FROM states ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("states: %w", err)
	}
	states, err := pgx.CollectRows(rows, scanState)
	if err != nil {
		return nil, fmt.Errorf("states: %w", err)
	}
	return states, nil
}
