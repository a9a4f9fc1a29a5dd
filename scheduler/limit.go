package scheduler

import (
	"context"
	"sync"
)

// limiter is a counting semaphore whose size can change while it is in use,
// which golang.org/x/sync/semaphore does not allow. Waiters are served in
// arrival order so a burst of sources is fetched in the order it queued.
type limiter struct {
	mu      sync.Mutex
	limit   int
	used    int
	waiters []chan struct{}
}

func newLimiter(n int) *limiter { return &limiter{limit: n} }

// acquire takes one slot, waiting until one is free or ctx is done.
func (l *limiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.used < l.limit && len(l.waiters) == 0 {
		l.used++
		l.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	l.waiters = append(l.waiters, ready)
	l.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, w := range l.waiters {
		if w == ready {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			return ctx.Err()
		}
	}
	// The slot was granted while ctx was being cancelled: hand it on.
	l.used--
	l.grant()
	return ctx.Err()
}

// release returns a slot taken by acquire.
func (l *limiter) release() {
	l.mu.Lock()
	l.used--
	l.grant()
	l.mu.Unlock()
}

// setLimit resizes the semaphore. Shrinking never interrupts holders; it
// only delays new grants until enough slots are released.
func (l *limiter) setLimit(n int) {
	l.mu.Lock()
	l.limit = n
	l.grant()
	l.mu.Unlock()
}

// grant wakes waiters while slots are free. l.mu must be held.
func (l *limiter) grant() {
	for l.used < l.limit && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		l.used++
		close(w)
	}
}

// hostLimits keeps one limiter per host in use. Limiters are dropped once
// no fetch references them, so the map does not grow with every host ever
// fetched.
type hostLimits struct {
	mu    sync.Mutex
	limit int
	hosts map[string]*hostLimit
}

type hostLimit struct {
	lim  *limiter
	refs int
}

func newHostLimits(n int) *hostLimits {
	return &hostLimits{limit: n, hosts: make(map[string]*hostLimit)}
}

// acquire takes a slot for host; the empty host is not limited.
func (h *hostLimits) acquire(ctx context.Context, host string) error {
	if host == "" {
		return nil
	}
	h.mu.Lock()
	hl := h.hosts[host]
	if hl == nil {
		hl = &hostLimit{lim: newLimiter(h.limit)}
		h.hosts[host] = hl
	}
	hl.refs++
	h.mu.Unlock()

	if err := hl.lim.acquire(ctx); err != nil {
		h.unref(host)
		return err
	}
	return nil
}

// release returns a slot taken by acquire.
func (h *hostLimits) release(host string) {
	if host == "" {
		return
	}
	h.mu.Lock()
	hl := h.hosts[host]
	h.mu.Unlock()
	if hl == nil {
		return
	}
	hl.lim.release()
	h.unref(host)
}

func (h *hostLimits) unref(host string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hl := h.hosts[host]
	if hl == nil {
		return
	}
	if hl.refs--; hl.refs == 0 {
		delete(h.hosts, host)
	}
}

// setLimit applies a new per-host limit to current and future hosts.
func (h *hostLimits) setLimit(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.limit = n
	for _, hl := range h.hosts {
		hl.lim.setLimit(n)
	}
}

// size is the number of hosts tracked, for tests.
func (h *hostLimits) size() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.hosts)
}
