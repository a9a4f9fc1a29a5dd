package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/sqlite"
	"github.com/tributaryfeeds/tributary/store/storetest"
)

// opener opens SQLite stores on files in temporary directories.
type opener struct{}

func (opener) Location(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "sub", "tributary.db")
}

func (opener) Open(tb testing.TB, loc string) store.Store {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), loc)
	if err != nil {
		tb.Fatalf("Open(%s): %v", loc, err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, opener{})
}

func BenchmarkUpsert100(b *testing.B) {
	storetest.BenchUpsert(b, opener{})
}

func BenchmarkWindow(b *testing.B) {
	storetest.BenchWindow(b, opener{})
}
