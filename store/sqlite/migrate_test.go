package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store/storetest"
)

// TestMigrateChangedBackfill opens a database written before the changed
// column existed: its items count as changed when first seen, and its
// sources' last new item is the newest first sighting.
func TestMigrateChangedBackfill(t *testing.T) {
	ctx := context.Background()
	seen := time.Date(2023, 5, 1, 8, 30, 0, 0, time.UTC)
	path := dbAt0001(t,
		fmt.Sprintf(`INSERT INTO items (source, id, first_seen, sort_date, hash, content_hash)
		VALUES ('a', 'x', %d, %d, x'00', x'00')`, seen.UnixMilli(), seen.UnixMilli()),
		`INSERT INTO states (source) VALUES ('a')`,
	)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckChangedBackfill(t, db, seen)
}

// dbAt0001 returns the path of a fresh database holding only migration
// 0001 and the rows inserted by stmts, so a test can check what the later
// migrations make of data written before they existed.
func dbAt0001(t *testing.T, stmts ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	initSQL, err := fs.ReadFile(migrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append([]string{
		string(initSQL),
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations (name) VALUES ('migrations/0001_init.sql')`,
	}, stmts...) {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
