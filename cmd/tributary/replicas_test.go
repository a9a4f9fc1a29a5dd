package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// postgresSchema returns a DSN on a fresh schema of the test server, dropped
// when the test ends, or skips when TRIBUTARY_TEST_POSTGRES is not set.
func postgresSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("TRIBUTARY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("TRIBUTARY_TEST_POSTGRES not set: e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	ctx := context.Background()
	exec := func(sql string) {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("CREATE SCHEMA " + schema)
	t.Cleanup(func() { exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestReplicas runs two daemons on one PostgreSQL store: each source is
// fetched once (the replicas share the work through leases), and both serve
// every item (the replica that did not fetch hears of the change).
func TestReplicas(t *testing.T) {
	dsn := postgresSchema(t)
	up := newUpstream(t)
	dir := t.TempDir()
	path := writeConfig(t, dir, up.srv.URL)
	cfg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pg := strings.Replace(string(cfg), "driver: sqlite", "driver: postgres", 1)
	pg = strings.Replace(pg, "dsn: "+filepath.Join(dir, "tributary.db"), fmt.Sprintf("dsn: %q", dsn), 1)
	if pg == string(cfg) || !strings.Contains(pg, "driver: postgres") {
		t.Fatal("could not switch the test config to postgres")
	}
	writeFile(t, path, pg)

	// Both replicas have rendered their (empty) feeds before any source
	// answers, so the one that did not fetch can only learn of the items
	// through the store's change notifications.
	up.gate = make(chan struct{})
	a := open(t, &Main{ConfigPath: path})
	b := open(t, &Main{ConfigPath: path})
	close(up.gate)
	for _, m := range []*Main{a, b} {
		feed := waitFeed(t, m.URL(), len(wantTitles))
		checkJSONFeed(t, feed, up.srv.URL)
	}
	for p := range upstreamFiles {
		if n := up.count(up.hits, p); n != 1 {
			t.Errorf("%s fetched %d times by two replicas, want once", p, n)
		}
	}
}
