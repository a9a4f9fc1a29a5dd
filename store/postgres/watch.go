package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// watchRetry is how long Watch waits before listening again after its
// connection failed.
const watchRetry = 5 * time.Second

// notify tells every replica, when tx commits, that source's items changed.
func (db *DB) notify(ctx context.Context, tx pgx.Tx, source string) error {
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", db.channel, clean(source))
	return err
}

// Watch implements store.Watcher with LISTEN/NOTIFY on a dedicated
// connection, reconnecting after failures, until ctx is done. Changes made
// while the connection was down are not replayed as such: once listening
// again, Watch names every source that has a version, and the listener
// (the publisher) compares versions to find what really changed.
func (db *DB) Watch(ctx context.Context, changed func(source string)) error {
	for again := false; ; again = true {
		err := db.listen(ctx, changed, again)
		if ctx.Err() != nil {
			return nil
		}
		retry := db.watchRetry
		if retry <= 0 {
			retry = watchRetry
		}
		db.logger.Warn("postgres: listening for changes failed; retrying", "err", err, "retry", retry)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(retry):
		}
	}
}

func (db *DB) listen(ctx context.Context, changed func(string), resync bool) error {
	c, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// A listening connection carries session state: take it out of the
	// pool for good and close it when done.
	conn := c.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if resync {
		versions, err := db.Versions(ctx, nil)
		if err != nil {
			return fmt.Errorf("resync: %w", err)
		}
		for source := range versions {
			changed(source)
		}
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		changed(n.Payload)
	}
}
