package limit

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"
)

// waitFor polls cond until it holds; the test fails after a generous bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func (l *Semaphore) queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiters)
}

func TestSemaphore(t *testing.T) {
	l := NewSemaphore(1)
	ctx := context.Background()
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	// A cancelled waiter gives up without taking a slot.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire on cancelled ctx = %v", err)
	}
	// Growing the limit wakes a waiter.
	got := make(chan error)
	go func() { got <- l.Acquire(ctx) }()
	waitFor(t, "waiter queued", func() bool { return l.queued() == 1 })
	l.SetLimit(2)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// Shrinking does not evict holders but holds back new ones.
	l.SetLimit(1)
	l.Release()
	go func() { got <- l.Acquire(ctx) }()
	waitFor(t, "waiter queued", func() bool { return l.queued() == 1 })
	l.Release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	l.Release()
	if l.used != 0 || len(l.waiters) != 0 || l.Limit() != 1 {
		t.Errorf("used=%d waiters=%d limit=%d, want 0 0 1", l.used, len(l.waiters), l.Limit())
	}
}

// TestHoldLendsItsSlot: with one slot per host, a fetch holding the host
// can still make requests to it (they borrow the hold's slot, one at a
// time), while a request from outside waits for the fetch to end.
func TestHoldLendsItsSlot(t *testing.T) {
	h := NewHosts(1)
	ctx := context.Background()
	fctx, releaseHold, err := h.Hold(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r1, err := h.Acquire(fctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	// A second request of the same fetch waits for the first to end.
	second := make(chan func())
	go func() {
		r, err := h.Acquire(fctx, "a")
		if err != nil {
			t.Error(err)
		}
		second <- r
	}()
	select {
	case <-second:
		t.Fatal("two requests of one fetch ran at once with per_host 1")
	case <-time.After(20 * time.Millisecond):
	}
	r1()
	r2 := <-second
	r2()
	// Another host is not held up; an outside request on "a" waits.
	rb, err := h.Acquire(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	rb()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := h.Acquire(tctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("outside request during the hold = %v, want to wait", err)
	}
	releaseHold()
	r, err := h.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r()
	if n := h.Size(); n != 0 {
		t.Errorf("%d host semaphores kept, want 0", n)
	}
}

// TestHoldBorrowOrSlot: with two slots, a fetch's second request takes the
// free slot rather than waiting for the lent one.
func TestHoldBorrowOrSlot(t *testing.T) {
	h := NewHosts(2)
	ctx := context.Background()
	fctx, releaseHold, err := h.Hold(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r1, err := h.Acquire(fctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(fctx, 5*time.Second)
	defer cancel()
	r2, err := h.Acquire(tctx, "a")
	if err != nil {
		t.Fatalf("second request with a free slot: %v", err)
	}
	// Both slots are taken now: the hold's (lent) and r2's.
	sctx, scancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer scancel()
	if _, err := h.Acquire(sctx, "a"); err == nil {
		t.Fatal("a third request got a slot with per_host 2")
	}
	r1()
	r2()
	releaseHold()
	if n := h.Size(); n != 0 {
		t.Errorf("%d host semaphores kept, want 0", n)
	}
}

func TestHostsUnlimited(t *testing.T) {
	var nilHosts *Hosts
	for _, h := range []*Hosts{nilHosts, NewHosts(0)} {
		for range 3 {
			if _, err := h.Acquire(context.Background(), "a"); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := NewHosts(1)
	if _, err := h.Acquire(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Acquire(context.Background(), ""); err != nil {
		t.Fatal("the empty host is limited")
	}
	h.SetLimit(3)
	if h.Limit() != 3 {
		t.Errorf("Limit = %d, want 3", h.Limit())
	}
}

func TestHostKey(t *testing.T) {
	for raw, want := range map[string]string{
		"https://News.Example.org:8443/x.rss": "news.example.org:8443",
		"https://example.org:443/":            "example.org",
		"http://example.org:80/a":             "example.org",
		"http://example.org/news/":            "example.org",
		"http://[::1]:8080/":                  "[::1]:8080",
		"/relative":                           "",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := HostKey(u); got != want {
			t.Errorf("HostKey(%s) = %q, want %q", raw, got, want)
		}
	}
}
