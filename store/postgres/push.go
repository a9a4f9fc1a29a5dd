package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tributaryfeeds/tributary/store"
)

var _ store.Pusher = (*DB)(nil)

// PutSubscription adds or renews a hub subscription, keeping its version.
func (db *DB) PutSubscription(ctx context.Context, sub store.Subscription) error {
	if sub.Topic == "" || sub.Callback == "" {
		return errors.New("put subscription: empty topic or callback")
	}
	_, err := db.pool.Exec(ctx, `
INSERT INTO hub_subscriptions (topic, callback, secret, expires, version) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, expires = excluded.expires`,
		clean(sub.Topic), clean(sub.Callback), clean(sub.Secret), sub.Expires, clean(sub.Version))
	if err != nil {
		return fmt.Errorf("put subscription to %s: %w", sub.Topic, err)
	}
	return nil
}

// DeleteSubscription removes a subscription and its queued deliveries.
func (db *DB) DeleteSubscription(ctx context.Context, topic, callback string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM hub_subscriptions WHERE topic = $1 AND callback = $2`, clean(topic), clean(callback)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM push_outbox WHERE kind = $1 AND topic = $2 AND target = $3`, store.KindWebSub, clean(topic), clean(callback))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete subscription: %w", err)
	}
	return nil
}

// Subscriptions lists the subscriptions of topic (all when empty) active at
// now.
func (db *DB) Subscriptions(ctx context.Context, topic string, now time.Time) ([]store.Subscription, error) {
	rows, err := db.pool.Query(ctx, `
SELECT topic, callback, secret, expires, version FROM hub_subscriptions
WHERE ($1 = '' OR topic = $1) AND expires > $2 ORDER BY topic COLLATE "C", callback COLLATE "C"`, clean(topic), now)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	subs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Subscription, error) {
		var s store.Subscription
		err := row.Scan(&s.Topic, &s.Callback, &s.Secret, &s.Expires, &s.Version)
		s.Expires = s.Expires.UTC()
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return subs, nil
}

// Subscription returns one active subscription, or store.ErrNotFound.
func (db *DB) Subscription(ctx context.Context, topic, callback string, now time.Time) (store.Subscription, error) {
	s := store.Subscription{Topic: topic, Callback: callback}
	err := db.pool.QueryRow(ctx, `SELECT secret, expires, version FROM hub_subscriptions WHERE topic = $1 AND callback = $2 AND expires > $3`,
		clean(topic), clean(callback), now).Scan(&s.Secret, &s.Expires, &s.Version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Subscription{}, fmt.Errorf("subscription to %s: %w", topic, store.ErrNotFound)
	case err != nil:
		return store.Subscription{}, fmt.Errorf("subscription to %s: %w", topic, err)
	}
	s.Expires = s.Expires.UTC()
	return s, nil
}

// CountSubscriptions counts the subscriptions active at now.
func (db *DB) CountSubscriptions(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM hub_subscriptions WHERE expires > $1`, now).Scan(&n); err != nil {
		return 0, fmt.Errorf("count subscriptions: %w", err)
	}
	return n, nil
}

// QueueTopic queues a delivery for each active subscription of topic whose
// version differs. The UPDATE locks the rows it changes, so a replica
// queueing the same version at once waits, then finds nothing to do.
func (db *DB) QueueTopic(ctx context.Context, topic, version string, now time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
WITH changed AS (
	UPDATE hub_subscriptions SET version = $2
	WHERE topic = $1 AND expires > $3 AND version <> $2
	RETURNING callback, topic
)
INSERT INTO push_outbox (kind, target, topic, not_before)
SELECT $4, callback, topic, $3 FROM changed`, clean(topic), clean(version), now, store.KindWebSub)
	if err != nil {
		return 0, fmt.Errorf("queue topic: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// QueueNew queues the deliveries of the notices whose keys group has not
// recorded; the first call for a group only records. The inserts decide
// what is new, so replicas passing the same keys at once queue each once.
func (db *DB) QueueNew(ctx context.Context, group string, notices []store.Notice, now time.Time) (int, error) {
	var n int
	group = clean(group)
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// The empty key marks the group known. Whoever inserts it makes
		// the first call, which only records.
		tag, err := tx.Exec(ctx, `INSERT INTO push_seen (grp, key, seen) VALUES ($1, '', $2) ON CONFLICT DO NOTHING`, group, now)
		if err != nil {
			return err
		}
		first := tag.RowsAffected() == 1
		// Forget first: a key that comes back after the memory is new.
		if _, err := tx.Exec(ctx, `DELETE FROM push_seen WHERE grp = $1 AND key <> '' AND seen < $2`, group, now.Add(-store.NoticeMemory)); err != nil {
			return err
		}
		for _, nt := range notices {
			key := clean(nt.Key)
			if key == "" {
				continue
			}
			var added bool
			err := tx.QueryRow(ctx, `
INSERT INTO push_seen (grp, key, seen) VALUES ($1, $2, $3)
ON CONFLICT (grp, key) DO UPDATE SET seen = excluded.seen
RETURNING xmax = 0`, group, key, now).Scan(&added)
			if err != nil {
				return err
			}
			if !added || first {
				continue
			}
			d := nt.Delivery
			if _, err := tx.Exec(ctx, `INSERT INTO push_outbox (kind, target, topic, payload, not_before) VALUES ($1, $2, $3, $4, $5)`,
				d.Kind, clean(d.Target), clean(d.Topic), d.Payload, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queue new: %w", err)
	}
	return n, nil
}

// Claim holds up to limit due deliveries that no one holds for owner. SKIP
// LOCKED lets replicas claim at once without waiting on each other's rows,
// and the claim columns keep a delivery held after the transaction ends.
func (db *DB) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	if owner == "" || limit <= 0 {
		return nil, errors.New("claim: empty owner or no limit")
	}
	rows, err := db.pool.Query(ctx, `
UPDATE push_outbox SET claimed_by = $1, claimed_until = $2
WHERE id IN (
	SELECT id FROM push_outbox
	WHERE not_before <= $3 AND (claimed_until IS NULL OR claimed_until <= $3)
	ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
RETURNING id, kind, target, topic, payload, attempts, not_before, last_error`,
		clean(owner), now.Add(lease), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Delivery, error) {
		var d store.Delivery
		var nb pgtype.Timestamptz
		err := row.Scan(&d.ID, &d.Kind, &d.Target, &d.Topic, &d.Payload, &d.Attempts, &nb, &d.LastError)
		d.NotBefore = fromTimestamptz(nb)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	slices.SortFunc(out, func(a, b store.Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Done removes a delivery.
func (db *DB) Done(ctx context.Context, id int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM push_outbox WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delivery %d done: %w", id, err)
	}
	return nil
}

// Retry releases a delivery for another attempt at notBefore.
func (db *DB) Retry(ctx context.Context, id int64, notBefore time.Time, lastErr string) error {
	_, err := db.pool.Exec(ctx, `
UPDATE push_outbox SET attempts = attempts + 1, not_before = $2, last_error = $3, claimed_by = '', claimed_until = NULL WHERE id = $1`,
		id, notBefore, clean(lastErr))
	if err != nil {
		return fmt.Errorf("retry delivery %d: %w", id, err)
	}
	return nil
}

// Pending counts queued deliveries by kind.
func (db *DB) Pending(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT kind, count(*) FROM push_outbox GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	out := make(map[string]int)
	var k string
	var c int
	_, err = pgx.ForEachRow(rows, []any{&k, &c}, func() error {
		out[k] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	return out, nil
}

const upstreamColumns = `source, hub, topic, token_hash, secret, active, expires, updated`

// Upstream returns a source's upstream subscription, or store.ErrNotFound.
func (db *DB) Upstream(ctx context.Context, source string) (store.Upstream, error) {
	var u store.Upstream
	var exp pgtype.Timestamptz
	err := db.pool.QueryRow(ctx, `SELECT `+upstreamColumns+` FROM websub_upstreams WHERE source = $1`, clean(source)).
		Scan(&u.Source, &u.Hub, &u.Topic, &u.TokenHash, &u.Secret, &u.Active, &exp, &u.Updated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Upstream{}, fmt.Errorf("upstream %s: %w", source, store.ErrNotFound)
	case err != nil:
		return store.Upstream{}, fmt.Errorf("upstream %s: %w", source, err)
	}
	u.Expires, u.Updated = fromTimestamptz(exp), u.Updated.UTC()
	return u, nil
}

// SetUpstream saves a source's upstream subscription.
func (db *DB) SetUpstream(ctx context.Context, u store.Upstream) error {
	if u.Source == "" {
		return errors.New("set upstream: empty source name")
	}
	_, err := db.pool.Exec(ctx, `
INSERT INTO websub_upstreams (`+upstreamColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (source) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, token_hash = excluded.token_hash,
	secret = excluded.secret, active = excluded.active, expires = excluded.expires, updated = excluded.updated`,
		clean(u.Source), clean(u.Hub), clean(u.Topic), u.TokenHash, clean(u.Secret), u.Active, timestamptz(u.Expires), u.Updated)
	if err != nil {
		return fmt.Errorf("set upstream %s: %w", u.Source, err)
	}
	return nil
}

// DeleteUpstream forgets a source's upstream subscription.
func (db *DB) DeleteUpstream(ctx context.Context, source string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM websub_upstreams WHERE source = $1`, clean(source)); err != nil {
		return fmt.Errorf("delete upstream %s: %w", source, err)
	}
	return nil
}
