package sources

import (
	"context"
	"sync"
)

// hostSlots bounds the requests in flight to each host. The scheduler
// limits fetches per host; this limits requests, which also covers the page
// fetches a full-text source makes within one fetch.
type hostSlots struct {
	limit int // <= 0: no limit

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem   chan struct{}
	users int // holders and waiters; the slot is dropped at zero
}

// acquire waits for a free slot for host, or for ctx to end. The returned
// function releases the slot.
func (h *hostSlots) acquire(ctx context.Context, host string) (release func(), err error) {
	if h.limit <= 0 {
		return func() {}, nil
	}
	h.mu.Lock()
	if h.hosts == nil {
		h.hosts = make(map[string]*hostSlot)
	}
	s := h.hosts[host]
	if s == nil {
		s = &hostSlot{sem: make(chan struct{}, h.limit)}
		h.hosts[host] = s
	}
	s.users++
	h.mu.Unlock()
	leave := func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if s.users--; s.users == 0 {
			delete(h.hosts, host)
		}
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
