// Package sqlite is the embedded store.Store: one SQLite file in WAL mode,
// written through a single connection and read through a pool, so readers
// never wait behind the writer.
//
// SQLite serves one process, so DB does not implement store.Leaser.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tributaryfeeds/tributary/store"
)

var _ store.Store = (*DB)(nil)

// pragmas apply to every connection. WAL lets readers run beside the writer;
// synchronous=NORMAL in WAL mode loses no committed transaction on a process
// crash, only possibly the last ones on power loss.
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"

// DB is a SQLite store. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: SQLite has one writer at a time
	read  *sql.DB

	closeOnce sync.Once
	closeErr  error
}

// Option configures Open.
type Option func(*options)

type options struct {
	logger    *slog.Logger
	readConns int
}

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithReadConns sets the size of the read pool; the default is
// max(4, GOMAXPROCS).
func WithReadConns(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.readConns = n
		}
	}
}

// Open opens or creates the database at path, creating its directory, and
// brings its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{logger: slog.New(slog.DiscardHandler), readConns: max(4, runtime.GOMAXPROCS(0))}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open sqlite %q: path must be a file name without '?'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db := &DB{path: path}
	var err error
	if db.write, err = openPool(ctx, path+"?"+pragmas+"&_txlock=immediate", 1); err != nil {
		return nil, err
	}
	if err := migrate(ctx, db.write, o.logger); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if db.read, err = openPool(ctx, path+"?"+pragmas+"&_pragma=query_only(1)", o.readConns); err != nil {
		db.write.Close()
		return nil, err
	}
	return db, nil
}

func openPool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxLifetime(0)
	pool.SetConnMaxIdleTime(0)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	return pool, nil
}

// Close checkpoints the write-ahead log into the database file and closes
// it. Later calls return the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		var errs []error
		errs = append(errs, db.read.Close())
		// Let the query planner refresh its statistics, then fold the WAL
		// back so the next start opens a single file.
		if _, err := db.write.Exec("PRAGMA optimize"); err != nil {
			errs = append(errs, fmt.Errorf("optimize: %w", err))
		}
		if _, err := db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, fmt.Errorf("checkpoint: %w", err))
		}
		errs = append(errs, db.write.Close())
		if err := errors.Join(errs...); err != nil {
			db.closeErr = fmt.Errorf("close sqlite %s: %w", db.path, err)
		}
	})
	return db.closeErr
}
