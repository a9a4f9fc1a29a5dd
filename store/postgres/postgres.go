// Package postgres is the store.Store that several replicas share. It also
// implements store.Claimer, so replicas split the fetching between them, and
// store.Watcher, so each hears of the others' changes.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tributaryfeeds/tributary/store"
)

var (
	_ store.Store   = (*DB)(nil)
	_ store.Claimer = (*DB)(nil)
	_ store.Leaser  = (*DB)(nil)
	_ store.Watcher = (*DB)(nil)
)

// DB is a PostgreSQL store. It is safe for concurrent use.
type DB struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	// channel is the NOTIFY channel for item changes, one per schema so
	// that deployments sharing a database do not hear each other.
	channel string
	schema  string
	claims  claims
	// watchRetry is how long Watch waits before listening again; 0:
	// watchRetry.
	watchRetry time.Duration
}

// Option configures Open.
type Option func(*DB)

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(db *DB) { db.logger = l }
}

// WithWatchRetry sets how long Watch waits before listening again after its
// connection failed (default 5s).
func WithWatchRetry(d time.Duration) Option {
	return func(db *DB) { db.watchRetry = d }
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string; runtime parameters such as search_path pass through) and brings its
// schema up to date.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db := &DB{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(db)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error may quote the DSN, password included: do not wrap it.
		return nil, fmt.Errorf("open postgres: invalid DSN")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", cfg.ConnConfig.Host, err)
	}
	db.pool = pool
	if err := migrate(ctx, pool, db.logger); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", cfg.ConnConfig.Host, err)
	}
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", cfg.ConnConfig.Host, err)
	}
	db.schema = schema
	db.channel = "tributary_changes_" + schema
	return db, nil
}

// Close closes the connection pool. It waits for queries in progress.
func (db *DB) Close() error {
	db.closeClaims()
	db.pool.Close()
	return nil
}
