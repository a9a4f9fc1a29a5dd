package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// TestMigrateChangedBackfill opens a database written before the changed
// column existed: its items count as changed when first seen, and its
// sources' last new item is the newest first sighting.
func TestMigrateChangedBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	initSQL, err := fs.ReadFile(migrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2023, 5, 1, 8, 30, 0, 0, time.UTC)
	for _, q := range []string{
		string(initSQL),
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations (name) VALUES ('migrations/0001_init.sql')`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = old.ExecContext(ctx, `INSERT INTO items (source, id, first_seen, sort_date, hash, content_hash)
		VALUES ('a', 'x', ?, ?, x'00', x'00')`, seen.UnixMilli(), seen.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if _, err = old.ExecContext(ctx, `INSERT INTO states (source) VALUES ('a')`); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	items, err := db.Items(ctx, store.Query{Sources: []string{"a"}})
	if err != nil || len(items) != 1 {
		t.Fatalf("Items = %d items, %v; want 1", len(items), err)
	}
	if got := items[0]; !got.Changed.Equal(seen) || !got.FirstSeen.Equal(seen) {
		t.Errorf("after migration: Changed = %v, FirstSeen = %v, want both %v", got.Changed, got.FirstSeen, seen)
	}
	// 0005: a source's last new item is its newest first sighting.
	if st, err := db.State(ctx, "a"); err != nil || !st.LastNewItem.Equal(seen) {
		t.Errorf("after migration: LastNewItem = %v, %v; want %v", st.LastNewItem, err, seen)
	}
}
