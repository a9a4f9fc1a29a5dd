package postgres_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
	"github.com/tributaryfeeds/tributary/store/storetest"
)

// testDSN returns the server to test against, or skips.
func testDSN(tb testing.TB) string {
	dsn := os.Getenv("TRIBUTARY_TEST_POSTGRES")
	if dsn == "" {
		tb.Skip("TRIBUTARY_TEST_POSTGRES not set: e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	return dsn
}

// opener gives each test its own schema, dropped when the test ends, so that
// tests and packages running in parallel never share tables.
type opener struct{}

func (opener) Location(tb testing.TB) string {
	dsn := testDSN(tb)
	// rand.Text is base32: lower-cased, a valid unquoted identifier.
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("connect: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema: %v", err)
		}
	})
	return withSearchPath(tb, dsn, schema)
}

// withSearchPath adds a search_path runtime parameter to a URL DSN.
func withSearchPath(tb testing.TB, dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("TRIBUTARY_TEST_POSTGRES must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func (opener) Open(tb testing.TB, loc string) store.Store {
	tb.Helper()
	db, err := postgres.Open(context.Background(), loc)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return db
}

func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, opener{})
}

func BenchmarkUpsert100(b *testing.B) {
	storetest.BenchUpsert(b, opener{})
}

func BenchmarkWindow(b *testing.B) {
	storetest.BenchWindow(b, opener{})
}
