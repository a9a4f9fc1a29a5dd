package push

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
)

// sharedStores returns two handles on one store, as two replicas have:
// SQLite (two connections to one file) and, when TRIBUTARY_TEST_POSTGRES
// is set, PostgreSQL on a fresh schema.
func sharedStores(t *testing.T) map[string][2]store.Pusher {
	out := map[string][2]store.Pusher{}
	path := filepath.Join(t.TempDir(), "shared.db")
	out["sqlite"] = [2]store.Pusher{openStore(t, path), openStore(t, path)}
	dsn := os.Getenv("TRIBUTARY_TEST_POSTGRES")
	if dsn == "" {
		return out
	}
	ctx := context.Background()
	schema := "push_" + strings.ToLower(rand.Text()[:12])
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	var pair [2]store.Pusher
	for i := range pair {
		db, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		pair[i] = db
	}
	out["postgres"] = pair
	return out
}

// TestReplicasDeliverOnce: two replicas see the same change and drain the
// outbox at once; every subscriber and webhook gets it exactly once.
func TestReplicasDeliverOnce(t *testing.T) {
	for name, pair := range sharedStores(t) {
		t.Run(name, func(t *testing.T) {
			const subscribers = 12
			rc := newRecorder(t, 0)
			cfg := Config{Builtin: true, Feeds: []Feed{{Slug: "world", Notify: []Hook{{URL: rc.srv.URL + "/hook", Secret: "k"}}}}}
			fx := newFixture(t, cfg, nil)
			ctx := context.Background()
			fx.feeds.set("world", jsonFeed("a"))
			var replicas [2]*Service
			for i := range replicas {
				s, err := New(Options{Store: pair[i], Feeds: fx.feeds, Config: fx.s.cfg.Load().Config, Now: fx.clock.Now, Owner: "r" + string(rune('0'+i)), AllowPrivate: true})
				if err != nil {
					t.Fatal(err)
				}
				replicas[i] = s
			}
			for i := range subscribers {
				err := pair[0].PutSubscription(ctx, store.Subscription{
					Topic: fx.srv.URL + "/feeds/world.json", Callback: rc.srv.URL + "/sub/" + string(rune('a'+i)),
					Expires: fx.clock.Now().Add(DefaultLease),
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range replicas {
				r.FeedChanged(ctx, "world") // records the hook's first sight
			}
			for _, r := range replicas {
				for r.drain(ctx) {
				}
			}
			rc.mu.Lock()
			rc.got, rc.body = nil, nil
			rc.mu.Unlock()

			fx.feeds.set("world", jsonFeed("b", "a"))
			var wg sync.WaitGroup
			for _, r := range replicas {
				wg.Go(func() {
					r.FeedChanged(ctx, "world")
					for r.drain(ctx) {
					}
				})
			}
			wg.Wait()
			for _, r := range replicas {
				for r.drain(ctx) {
				}
			}
			counts := map[string]int{}
			rc.mu.Lock()
			for _, r := range rc.got {
				counts[r.URL.Path]++
			}
			rc.mu.Unlock()
			if len(counts) != subscribers+1 {
				t.Errorf("reached %d endpoints, want %d: %v", len(counts), subscribers+1, counts)
			}
			for path, n := range counts {
				if n != 1 {
					t.Errorf("%s got %d requests, want 1", path, n)
				}
			}
		})
	}
}
