package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
)

func openDB(t *testing.T) (*postgres.DB, string) {
	t.Helper()
	loc := opener{}.Location(t)
	db, err := postgres.Open(context.Background(), loc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, loc
}

func lease(t *testing.T, db *postgres.DB, source, owner string, ttl time.Duration) bool {
	t.Helper()
	ok, err := db.Lease(context.Background(), source, owner, ttl)
	if err != nil {
		t.Fatalf("Lease(%s, %s): %v", source, owner, err)
	}
	return ok
}

func TestLease(t *testing.T) {
	db, _ := openDB(t)
	steps := []struct {
		source, owner string
		ttl           time.Duration
		want          bool
	}{
		{"a", "one", time.Hour, true},    // free
		{"a", "two", time.Hour, false},   // held by one
		{"a", "one", time.Hour, true},    // renewal
		{"b", "two", time.Hour, true},    // another source
		{"a", "one", -time.Second, true}, // one lets it lapse
		{"a", "two", time.Hour, true},    // expired: two takes it
		{"a", "one", time.Hour, false},   // and holds it
	}
	for i, s := range steps {
		if got := lease(t, db, s.source, s.owner, s.ttl); got != s.want {
			t.Errorf("step %d: Lease(%s, %s, %v) = %v, want %v", i, s.source, s.owner, s.ttl, got, s.want)
		}
	}
	if _, err := db.Lease(context.Background(), "", "one", time.Hour); err == nil {
		t.Error("Lease without source: want an error")
	}
}

// TestLeaseRace checks that of many replicas asking at once, one wins.
func TestLeaseRace(t *testing.T) {
	db, _ := openDB(t)
	const owners = 10
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range owners {
		wg.Go(func() {
			ok, err := db.Lease(context.Background(), "a", string(rune('a'+i)), time.Hour)
			if err != nil {
				t.Errorf("Lease: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				wins++
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d owners won the lease, want 1", wins)
	}
}

// TestConcurrentOpen starts replicas together on an empty schema: the
// migration lock lets exactly one create the tables.
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
	db, _ := openDB(t)
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
