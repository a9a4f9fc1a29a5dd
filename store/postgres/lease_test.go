package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store/postgres"
)

func lease(t *testing.T, db *postgres.DB, source, owner string, ttl time.Duration) bool {
	t.Helper()
	ok, err := db.Lease(context.Background(), source, owner, ttl)
	if err != nil {
		t.Fatalf("Lease(%s, %s): %v", source, owner, err)
	}
	return ok
}

func TestLease(t *testing.T) {
	db := openDB(t, opener{}.Location(t))
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
	db := openDB(t, opener{}.Location(t))
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
