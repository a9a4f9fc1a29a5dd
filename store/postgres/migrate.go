package postgres

import (
	"context"
	"embed"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrateLock is the advisory lock key that serialises migrations, so that
// replicas starting together do not race to create the same tables.
const migrateLock = 0x7472_6962_7574 // "tribut"

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, in name order, one transaction each.
func migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	return codec.Migrate(ctx, migrationFS, logger, func(ctx context.Context, name, body string) (bool, error) {
		return migrateOne(ctx, pool, name, body)
	})
}

func migrateOne(ctx context.Context, pool *pgxpool.Pool, name, body string) (bool, error) {
	var applied bool
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY)`); err != nil {
			return err
		}
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil
		}
		// Exec without arguments uses the simple protocol, which runs a
		// script of several statements.
		if _, err := tx.Exec(ctx, body); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied && err == nil, err
}
