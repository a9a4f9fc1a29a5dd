package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// TestCrashKeepsCommitted opens the file again while the first DB is still
// open and never closed, as after a kill -9: committed items are there.
func TestCrashKeepsCommitted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	first, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	items := []sources.Item{{ID: "a", Title: "A"}, {ID: "b", Title: "B"}}
	if _, err := first.Upsert(ctx, "s", items, time.Now()); err != nil {
		t.Fatal(err)
	}
	second, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	got, err := second.Items(ctx, store.Query{Sources: []string{"s"}})
	if err != nil || len(got) != 2 {
		t.Errorf("Items from a second handle = %d items, %v; want 2", len(got), err)
	}
}

func TestCloseTwice(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("first Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("this is not an SQLite database, not at all, no"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", filepath.Join(file, "x.db"), dir + "/a?b.db", junk} {
		db, err := sqlite.Open(context.Background(), path)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q): want an error", path)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("Open(%q) = %v: the error does not name the path", path, err)
		}
	}
}
