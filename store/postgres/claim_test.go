package postgres_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
)

func openDB(t *testing.T, loc string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), loc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func claim(t *testing.T, db *postgres.DB, source string) bool {
	t.Helper()
	ok, err := db.ClaimSource(context.Background(), source)
	if err != nil {
		t.Fatalf("ClaimSource(%s): %v", source, err)
	}
	return ok
}

// TestClaims checks that a claim belongs to one replica (one DB) at a time,
// that it holds while the replica lives, that a released or closed
// replica's claims pass at once to another, and that schemas sharing a
// database never contend.
func TestClaims(t *testing.T) {
	loc := opener{}.Location(t)
	a, b := openDB(t, loc), openDB(t, loc)
	if !claim(t, a, "wire") || !claim(t, a, "wire") {
		t.Fatal("a could not take or keep its claim")
	}
	if claim(t, b, "wire") {
		t.Fatal("b took a claim a holds")
	}
	if !claim(t, b, "other") || claim(t, a, "other") {
		t.Fatal("b's claim on another source is not b's alone")
	}
	// Another schema (another deployment, a parallel test) on the same
	// database has its own claims.
	c := openDB(t, opener{}.Location(t))
	if !claim(t, c, "wire") {
		t.Error("a claim in one schema blocks another schema")
	}
	if err := a.ReleaseSource(context.Background(), "wire"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, b, "wire") {
		t.Fatal("a released claim was not free")
	}
	// Closing b (a replica that stops, or dies: its session ends either
	// way) frees every claim it held, with nothing to expire.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// At once: Close unlocks them before it hangs up, since the server
	// would release them only when it has ended the session, a moment
	// later. (A replica that dies is TestClaimSessionLost.)
	if !claim(t, a, "wire") || !claim(t, a, "other") {
		t.Error("the claims of a closed replica did not pass on when it closed")
	}
}

// TestClaimSessionLost checks that a replica whose session is ended by the
// server (a lost connection) notices, gives up its claims, and reconnects
// for the next claim.
func TestClaimSessionLost(t *testing.T) {
	loc := opener{}.Location(t)
	// A name of a's own, so that only a's sessions are ended.
	name := "claim-" + strings.ToLower(rand.Text()[:12])
	a, b := openDB(t, loc+"&application_name="+name), openDB(t, loc)
	if !claim(t, a, "wire") {
		t.Fatal("no claim")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// End a's claim session the way a network failure would.
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, name); err != nil {
		t.Fatal(err)
	}
	// pg_terminate_backend only signals: the backend, and its advisory
	// locks, go a moment later. Wait until it has gone.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the terminated session did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !claim(t, b, "wire") {
		t.Fatal("b could not take the claim of a's ended session")
	}
	if ok, err := a.ClaimSource(ctx, "wire"); ok || err == nil {
		t.Errorf("a still believes it holds the claim: %v, %v", ok, err)
	}
}

func TestConcurrentOpen(t *testing.T) {
	testDSN(t)
	loc := opener{}.Location(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), loc)
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			db.Close()
		})
	}
	wg.Wait()
}

// TestUnstorableText checks that NUL bytes and invalid UTF-8, which
// PostgreSQL text rejects, do not fail a batch.
func TestUnstorableText(t *testing.T) {
	db := openDB(t, opener{}.Location(t))
	ctx := context.Background()
	it := sources.Item{
		ID:         "x\x00y",
		Title:      "bad \xff byte",
		Content:    "nul \x00 here",
		Categories: []string{"c\x00"},
		Authors:    []sources.Author{{Name: "n\x00"}},
	}
	st, err := db.Upsert(ctx, "a", []sources.Item{it}, time.Now())
	if err != nil || st.New != 1 {
		t.Fatalf("Upsert = %+v, %v; want 1 new", st, err)
	}
	items, err := db.Items(ctx, store.Query{Sources: []string{"a"}})
	if err != nil || len(items) != 1 {
		t.Fatalf("Items = %v, %v", items, err)
	}
	got := items[0]
	if got.ID != "xy" || got.Title != "bad \uFFFD byte" || got.Content != "nul  here" ||
		got.Categories[0] != "c" || got.Authors[0].Name != "n" {
		t.Errorf("stored %+v", got)
	}
	if ok, err := db.Has(ctx, "a", it.ID); !ok || err != nil {
		t.Errorf("Has(original ID) = %v, %v; want true", ok, err)
	}
}
