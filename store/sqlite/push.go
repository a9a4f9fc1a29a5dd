package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

var _ store.Pusher = (*DB)(nil)

// PutSubscription adds or renews a hub subscription, keeping its version.
func (db *DB) PutSubscription(ctx context.Context, sub store.Subscription) error {
	if sub.Topic == "" || sub.Callback == "" {
		return errors.New("put subscription: empty topic or callback")
	}
	_, err := db.write.ExecContext(ctx, `
INSERT INTO hub_subscriptions (topic, callback, secret, expires, version) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, expires = excluded.expires`,
		sub.Topic, sub.Callback, sub.Secret, sub.Expires.UnixMilli(), sub.Version)
	if err != nil {
		return fmt.Errorf("put subscription to %s: %w", sub.Topic, err)
	}
	return nil
}

// DeleteSubscription removes a subscription and its queued deliveries.
func (db *DB) DeleteSubscription(ctx context.Context, topic, callback string) error {
	return db.inTx(ctx, "delete subscription", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM hub_subscriptions WHERE topic = ? AND callback = ?`, topic, callback); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM push_outbox WHERE kind = ? AND topic = ? AND target = ?`, store.KindWebSub, topic, callback)
		return err
	})
}

// Subscriptions lists the subscriptions of topic (all when empty) active at
// now.
func (db *DB) Subscriptions(ctx context.Context, topic string, now time.Time) ([]store.Subscription, error) {
	rows, err := db.read.QueryContext(ctx, `
SELECT topic, callback, secret, expires, version FROM hub_subscriptions
WHERE (? = '' OR topic = ?) AND expires > ? ORDER BY topic, callback`, topic, topic, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	defer rows.Close()
	var subs []store.Subscription
	for rows.Next() {
		var s store.Subscription
		var exp int64
		if err := rows.Scan(&s.Topic, &s.Callback, &s.Secret, &exp, &s.Version); err != nil {
			return nil, fmt.Errorf("subscriptions: %w", err)
		}
		s.Expires = time.UnixMilli(exp).UTC()
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return subs, nil
}

// Subscription returns one active subscription, or store.ErrNotFound.
func (db *DB) Subscription(ctx context.Context, topic, callback string, now time.Time) (store.Subscription, error) {
	s := store.Subscription{Topic: topic, Callback: callback}
	var exp int64
	err := db.read.QueryRowContext(ctx, `SELECT secret, expires, version FROM hub_subscriptions WHERE topic = ? AND callback = ? AND expires > ?`,
		topic, callback, now.UnixMilli()).Scan(&s.Secret, &exp, &s.Version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Subscription{}, fmt.Errorf("subscription to %s: %w", topic, store.ErrNotFound)
	case err != nil:
		return store.Subscription{}, fmt.Errorf("subscription to %s: %w", topic, err)
	}
	s.Expires = time.UnixMilli(exp).UTC()
	return s, nil
}

// CountSubscriptions counts the subscriptions active at now.
func (db *DB) CountSubscriptions(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM hub_subscriptions WHERE expires > ?`, now.UnixMilli()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count subscriptions: %w", err)
	}
	return n, nil
}

// QueueTopic queues a delivery for each active subscription of topic whose
// version differs, in one transaction.
func (db *DB) QueueTopic(ctx context.Context, topic, version string, now time.Time) (int, error) {
	var n int
	err := db.inTx(ctx, "queue topic", func(tx *sql.Tx) error {
		ms := now.UnixMilli()
		res, err := tx.ExecContext(ctx, `
INSERT INTO push_outbox (kind, target, topic, not_before)
SELECT ?, callback, topic, ? FROM hub_subscriptions WHERE topic = ? AND expires > ? AND version <> ?`,
			store.KindWebSub, ms, topic, ms, version)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n = int(k)
		_, err = tx.ExecContext(ctx, `UPDATE hub_subscriptions SET version = ? WHERE topic = ? AND expires > ? AND version <> ?`,
			version, topic, ms, version)
		return err
	})
	return n, err
}

// QueueNew queues the deliveries of the notices whose keys group has not
// recorded; the first call for a group only records.
func (db *DB) QueueNew(ctx context.Context, group string, notices []store.Notice, now time.Time) (int, error) {
	var n int
	err := db.inTx(ctx, "queue new", func(tx *sql.Tx) error {
		ms := now.UnixMilli()
		// The empty key marks the group known, so that a first call with
		// no notices still ends the group's first call.
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO push_seen (grp, key, seen) VALUES (?, '', ?)`, group, ms)
		if err != nil {
			return err
		}
		first, _ := res.RowsAffected()
		// Forget first: a key that comes back after the memory is new.
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_seen WHERE grp = ? AND key <> '' AND seen < ?`, group, now.Add(-store.NoticeMemory).UnixMilli()); err != nil {
			return err
		}
		for _, nt := range notices {
			if nt.Key == "" {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO push_seen (grp, key, seen) VALUES (?, ?, ?)`, group, nt.Key, ms)
			if err != nil {
				return err
			}
			if added, _ := res.RowsAffected(); added == 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE push_seen SET seen = ? WHERE grp = ? AND key = ?`, ms, group, nt.Key); err != nil {
					return err
				}
				continue
			}
			if first == 1 {
				continue
			}
			d := nt.Delivery
			if _, err := tx.ExecContext(ctx, `INSERT INTO push_outbox (kind, target, topic, payload, not_before) VALUES (?, ?, ?, ?, ?)`,
				d.Kind, d.Target, d.Topic, d.Payload, ms); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Claim holds up to limit due deliveries that no one holds for owner. The
// single writer connection serialises claims, so no two owners get the same
// delivery.
func (db *DB) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	if owner == "" || limit <= 0 {
		return nil, errors.New("claim: empty owner or no limit")
	}
	ms := now.UnixMilli()
	rows, err := db.write.QueryContext(ctx, `
UPDATE push_outbox SET claimed_by = ?, claimed_until = ?
WHERE id IN (SELECT id FROM push_outbox WHERE not_before <= ? AND claimed_until <= ? ORDER BY id LIMIT ?)
RETURNING id, kind, target, topic, payload, attempts, not_before, last_error`,
		owner, now.Add(lease).UnixMilli(), ms, ms, limit)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		var d store.Delivery
		var nb int64
		if err := rows.Scan(&d.ID, &d.Kind, &d.Target, &d.Topic, &d.Payload, &d.Attempts, &nb, &d.LastError); err != nil {
			return nil, fmt.Errorf("claim: %w", err)
		}
		d.NotBefore = time.UnixMilli(nb).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	slices.SortFunc(out, func(a, b store.Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Done removes a delivery.
func (db *DB) Done(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM push_outbox WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delivery %d done: %w", id, err)
	}
	return nil
}

// Retry releases a delivery for another attempt at notBefore.
func (db *DB) Retry(ctx context.Context, id int64, notBefore time.Time, lastErr string) error {
	_, err := db.write.ExecContext(ctx, `
UPDATE push_outbox SET attempts = attempts + 1, not_before = ?, last_error = ?, claimed_by = '', claimed_until = 0 WHERE id = ?`,
		notBefore.UnixMilli(), lastErr, id)
	if err != nil {
		return fmt.Errorf("retry delivery %d: %w", id, err)
	}
	return nil
}

// Pending counts queued deliveries by kind.
func (db *DB) Pending(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT kind, count(*) FROM push_outbox GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("pending deliveries: %w", err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	return out, nil
}

const upstreamColumns = `source, hub, topic, token_hash, secret, active, expires, updated`

// Upstream returns a source's upstream subscription, or store.ErrNotFound.
func (db *DB) Upstream(ctx context.Context, source string) (store.Upstream, error) {
	var u store.Upstream
	var exp sql.NullInt64
	var upd int64
	err := db.read.QueryRowContext(ctx, `SELECT `+upstreamColumns+` FROM websub_upstreams WHERE source = ?`, source).
		Scan(&u.Source, &u.Hub, &u.Topic, &u.TokenHash, &u.Secret, &u.Active, &exp, &upd)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Upstream{}, fmt.Errorf("upstream %s: %w", source, store.ErrNotFound)
	case err != nil:
		return store.Upstream{}, fmt.Errorf("upstream %s: %w", source, err)
	}
	u.Expires, u.Updated = fromMillis(exp), time.UnixMilli(upd).UTC()
	return u, nil
}

// SetUpstream saves a source's upstream subscription.
func (db *DB) SetUpstream(ctx context.Context, u store.Upstream) error {
	if u.Source == "" {
		return errors.New("set upstream: empty source name")
	}
	_, err := db.write.ExecContext(ctx, `INSERT OR REPLACE INTO websub_upstreams (`+upstreamColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Source, u.Hub, u.Topic, u.TokenHash, u.Secret, u.Active, millis(u.Expires), u.Updated.UnixMilli())
	if err != nil {
		return fmt.Errorf("set upstream %s: %w", u.Source, err)
	}
	return nil
}

// DeleteUpstream forgets a source's upstream subscription.
func (db *DB) DeleteUpstream(ctx context.Context, source string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM websub_upstreams WHERE source = ?`, source); err != nil {
		return fmt.Errorf("delete upstream %s: %w", source, err)
	}
	return nil
}

func (db *DB) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
