package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tributaryfeeds/tributary/store"
)

const stateColumns = `source, etag, last_modified, last_fetch, last_success, last_error, failures, not_before, last_new_item, next_due`

type scanner interface{ Scan(dest ...any) error }

func scanState(row scanner) (store.State, error) {
	var (
		st                        store.State
		fetch, success, notBefore sql.NullInt64
		lastNew, due              sql.NullInt64
	)
	err := row.Scan(&st.Source, &st.ETag, &st.LastModified, &fetch, &success, &st.LastError, &st.Failures, &notBefore, &lastNew, &due)
	st.LastFetch, st.LastSuccess, st.NotBefore = fromMillis(fetch), fromMillis(success), fromMillis(notBefore)
	st.LastNewItem, st.NextDue = fromMillis(lastNew), fromMillis(due)
	return st, err
}

// State returns a source's fetch state, or store.ErrNotFound.
func (db *DB) State(ctx context.Context, source string) (store.State, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+stateColumns+` FROM states WHERE source = ?`, source)
	st, err := scanState(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	_, err := db.write.ExecContext(ctx, `INSERT OR REPLACE INTO states (`+stateColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.Source, st.ETag, st.LastModified, millis(st.LastFetch), millis(st.LastSuccess), st.LastError, st.Failures, millis(st.NotBefore),
		millis(st.LastNewItem), millis(st.NextDue))
	if err != nil {
		return fmt.Errorf("set state %s: %w", st.Source, err)
	}
	return nil
}

// States returns the fetch state of every source that has one, by source.
func (db *DB) States(ctx context.Context) ([]store.State, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+stateColumns+` FROM states ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("states: %w", err)
	}
	defer rows.Close()
	var states []store.State
	for rows.Next() {
		st, err := scanState(rows)
		if err != nil {
			return nil, fmt.Errorf("states: %w", err)
		}
		states = append(states, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("states: %w", err)
	}
	return states, nil
}
