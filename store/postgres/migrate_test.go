package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/store/postgres"
	"github.com/tributaryfeeds/tributary/store/storetest"
)

// TestMigrateChangedBackfill opens a schema written before the changed
// column existed: its items count as changed when first seen, and its
// sources' last new item is the newest first sighting.
func TestMigrateChangedBackfill(t *testing.T) {
	ctx := context.Background()
	seen := time.Date(2023, 5, 1, 8, 30, 0, 0, time.UTC)
	loc := schemaAt0001(t,
		`INSERT INTO items (source, id, first_seen, sort_date, hash, content_hash)
			VALUES ('a', 'x', '2023-05-01T08:30:00Z', '2023-05-01T08:30:00Z', '\x00', '\x00')`,
		`INSERT INTO states (source) VALUES ('a')`,
	)

	db, err := postgres.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckChangedBackfill(t, db, seen)
}

// schemaAt0001 returns the location of a fresh schema holding only
// migration 0001 and the rows inserted by stmts, so a test can check what
// the later migrations make of data written before they existed.
func schemaAt0001(t *testing.T, stmts ...string) string {
	t.Helper()
	loc := opener{}.Location(t)
	ctx := context.Background()
	initSQL, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range append([]string{
		string(initSQL),
		`CREATE TABLE schema_migrations (name text PRIMARY KEY)`,
		`INSERT INTO schema_migrations (name) VALUES ('migrations/0001_init.sql')`,
	}, stmts...) {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return loc
}
