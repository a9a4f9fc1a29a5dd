package postgres_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store/postgres"
)

// TestWatch checks that a change written through one handle reaches a
// Watch on another, as it does between replicas, and that an upsert that
// changes nothing stays quiet.
func TestWatch(t *testing.T) {
	loc := opener{}.Location(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reader, err := postgres.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := postgres.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()

	got := make(chan string, 10)
	watchDone := make(chan error, 1)
	go func() { watchDone <- reader.Watch(ctx, func(s string) { got <- s }) }()

	items := []sources.Item{{ID: "a", Title: "A", Link: "https://example.com/a"}}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// Keep writing until the listener is up: LISTEN starts asynchronously.
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		items[0].Title = "A" + string(rune('a'+i%26))
		if _, err := writer.Upsert(ctx, "wire", items, now); err != nil {
			t.Fatal(err)
		}
		select {
		case s := <-got:
			if s != "wire" {
				t.Fatalf("notified of %q, want wire", s)
			}
		case <-time.After(50 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("no notification within 10s")
		}
		break
	}
	// Drain notifications of earlier attempts, then an unchanged upsert
	// must not notify.
	for len(got) > 0 {
		<-got
	}
	time.Sleep(100 * time.Millisecond)
	for len(got) > 0 {
		<-got
	}
	if _, err := writer.Upsert(ctx, "wire", items, now); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Prune(ctx, "wire", 0); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "wire" {
			t.Fatalf("prune notified %q, want wire", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("prune did not notify")
	}
	select {
	case s := <-got:
		t.Fatalf("unexpected extra notification %q (an unchanged upsert must not notify)", s)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	if err := <-watchDone; err != nil {
		t.Fatalf("Watch returned %v after cancel, want nil", err)
	}
}

// TestWatchResync checks that a Watch whose connection was lost names, once
// listening again, every source with a version: changes made while it was
// deaf are found by comparing versions.
func TestWatchResync(t *testing.T) {
	loc := opener{}.Location(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	name := "watch-" + strings.ToLower(rand.Text()[:12])
	reader, err := postgres.Open(ctx, loc+"&application_name="+name, postgres.WithWatchRetry(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer := openDB(t, loc)
	items := []sources.Item{{ID: "a", Title: "A", Link: "https://example.com/a"}}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := writer.Upsert(ctx, "before", items, now); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 100)
	go reader.Watch(ctx, func(s string) { got <- s })
	// Wait until listening: a change made now is heard.
	for i := 0; ; i++ {
		items[0].Title = fmt.Sprint("A", i)
		if _, err := writer.Upsert(ctx, "probe", items, now); err != nil {
			t.Fatal(err)
		}
		select {
		case <-got:
		case <-time.After(50 * time.Millisecond):
			continue
		}
		break
	}
	conn, err := pgx.Connect(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, name); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	timeout := time.After(8 * time.Second)
	for !seen["before"] || !seen["probe"] {
		select {
		case s := <-got:
			seen[s] = true
		case <-timeout:
			t.Fatalf("after a reconnect, named %v; want before and probe", seen)
		}
	}
}
