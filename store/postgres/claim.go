package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// claimRetry is how long ClaimSource waits before connecting again after the
// claim connection failed: a replica that lost PostgreSQL does not hammer it.
const claimRetry = time.Second

// claims are this replica's source claims: session-level advisory locks on
// one dedicated connection. PostgreSQL releases them when that connection
// ends, however the replica ends (SIGKILL included), so a survivor takes the
// sources over on its next tick, and nothing of ours has to expire.
type claims struct {
	mu      sync.Mutex
	conn    *pgx.Conn // nil until the first claim, or after a failure
	held    map[string]bool
	retryAt time.Time
}

// claimKey is the advisory lock key of a source. The schema is part of it:
// deployments (and parallel tests) sharing a database each get their own
// keys. A 64-bit hash collision would only make two sources share one
// claim, never fetch one twice.
func claimKey(schema, source string) int64 {
	h := fnv.New64a()
	h.Write([]byte("tributary-claim\x00" + schema + "\x00" + source))
	return int64(h.Sum64())
}

// ClaimSource takes the claim on source for this replica, or confirms that the
// replica's session, and so its claim, is still alive. It reports false when
// another replica holds the claim.
func (db *DB) ClaimSource(ctx context.Context, source string) (bool, error) {
	c := &db.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := db.claimConn(ctx); err != nil {
		return false, fmt.Errorf("claim %s: %w", source, err)
	}
	if c.held[source] {
		// Session locks live as long as the session: a live connection
		// means the claim is still ours.
		if err := c.conn.Ping(ctx); err != nil {
			db.dropClaims(ctx, err)
			return false, fmt.Errorf("claim %s: %w", source, err)
		}
		return true, nil
	}
	var ok bool
	if err := c.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, claimKey(db.schema, clean(source))).Scan(&ok); err != nil {
		db.dropClaims(ctx, err)
		return false, fmt.Errorf("claim %s: %w", source, err)
	}
	if ok {
		c.held[source] = true
	}
	return ok, nil
}

// ReleaseSource gives up the claim on source if this replica holds it.
func (db *DB) ReleaseSource(ctx context.Context, source string) error {
	c := &db.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held[source] || c.conn == nil {
		return nil
	}
	delete(c.held, source)
	if _, err := c.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, claimKey(db.schema, clean(source))); err != nil {
		db.dropClaims(ctx, err)
		return fmt.Errorf("release %s: %w", source, err)
	}
	return nil
}

// claimConn connects the claim connection if it is not connected. The
// caller holds claims.mu.
func (db *DB) claimConn(ctx context.Context) error {
	c := &db.claims
	if c.conn != nil {
		return nil
	}
	if time.Now().Before(c.retryAt) {
		return errors.New("claim connection down; reconnecting")
	}
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		c.retryAt = time.Now().Add(claimRetry)
		return fmt.Errorf("claim connection: %w", err)
	}
	// The locks belong to the session: take the connection out of the
	// pool for good, so no other query shares or resets it.
	c.conn = pc.Hijack()
	c.held = make(map[string]bool)
	return nil
}

// dropClaims closes a failed claim connection: its session, and with it
// every claim, is gone or going. The caller holds claims.mu.
func (db *DB) dropClaims(ctx context.Context, cause error) {
	c := &db.claims
	if c.conn == nil {
		return
	}
	db.logger.Warn("postgres: claim connection failed; claims given up", "err", cause, "claims", len(c.held))
	_ = c.conn.Close(context.WithoutCancel(ctx))
	c.conn, c.held = nil, nil
	c.retryAt = time.Now().Add(claimRetry)
}

// closeClaims ends the claim session, releasing every claim at once.
func (db *DB) closeClaims() {
	c := &db.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// Closing the connection alone frees the claims only once the
		// server's backend has exited, a moment after Close returns, so
		// another replica's claim could still fail then. Unlocking
		// first hands them on before Close returns; a failure here is
		// covered by the session's end.
		if len(c.held) > 0 {
			_, _ = c.conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		}
		_ = c.conn.Close(ctx)
		c.conn, c.held = nil, nil
	}
}
