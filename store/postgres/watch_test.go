package postgres_test

import (
	"context"
	"testing"
	"time"

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
