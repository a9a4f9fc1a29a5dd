package sources

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tributaryfeeds/tributary/internal/limit"
)

// TestClientPerHost: requests to one host never exceed PerHost at once,
// while another host is not held up by them.
func TestClientPerHost(t *testing.T) {
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer fast.Close()

	c := NewClient(ClientOptions{Hosts: limit.NewHosts(2)})
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), slow.URL, Request{}); err != nil {
				t.Error(err)
			}
		})
	}
	<-entered
	<-entered
	// Two requests hold the slow host's slots; another host still answers.
	if _, err := c.Get(context.Background(), fast.URL, Request{}); err != nil {
		t.Fatalf("other host: %v", err)
	}
	close(release)
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak requests in flight to one host = %d, want 2", p)
	}
	if n := c.hosts.Size(); n != 0 {
		t.Errorf("%d idle host slots kept, want 0", n)
	}
}

func TestClientPerHostCancel(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handler
	c := NewClient(ClientOptions{Hosts: limit.NewHosts(1)})
	go func() { _, _ = c.Get(context.Background(), srv.URL, Request{}) }()
	<-entered // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, srv.URL, Request{})
		done <- err
	}()
	cancel()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "waiting for a slot") {
		t.Fatalf("Get waiting for a host slot after cancel: %v, want a slot-wait error", err)
	}
	select {
	case <-entered:
		t.Error("the cancelled request reached the server")
	default:
	}
}
