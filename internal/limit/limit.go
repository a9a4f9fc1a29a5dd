// Package limit holds the concurrency limits of fetching: a resizable
// semaphore (fetch.concurrency) and one per host (fetch.per_host). The
// scheduler and the HTTP client share one Hosts, so the per-host setting is
// enforced in one place for whole fetches and for the requests they make.
package limit

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
)

// Semaphore is a counting semaphore whose size can change while it is in
// use, which golang.org/x/sync/semaphore does not allow. Waiters are served
// in arrival order so a burst of sources is fetched in the order it queued.
type Semaphore struct {
	mu      sync.Mutex
	limit   int
	used    int
	waiters []chan struct{}
}

// NewSemaphore returns a Semaphore of n slots.
func NewSemaphore(n int) *Semaphore { return &Semaphore{limit: n} }

// Acquire takes one slot, waiting until one is free or ctx is done.
func (l *Semaphore) Acquire(ctx context.Context) error {
	_, err := l.acquireOr(ctx, nil)
	return err
}

// acquireOr takes one slot, or returns alt = true once a value arrives on
// alt (another way to proceed) before a slot is free.
func (l *Semaphore) acquireOr(ctx context.Context, alt <-chan struct{}) (bool, error) {
	l.mu.Lock()
	if l.used < l.limit && len(l.waiters) == 0 {
		l.used++
		l.mu.Unlock()
		return false, nil
	}
	ready := make(chan struct{})
	l.waiters = append(l.waiters, ready)
	l.mu.Unlock()

	var fromAlt bool
	select {
	case <-ready:
		return false, nil
	case <-alt:
		fromAlt = true
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, w := range l.waiters {
		if w == ready {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			if fromAlt {
				return true, nil
			}
			return false, ctx.Err()
		}
	}
	// The slot was granted meanwhile: hand it on.
	l.used--
	l.grant()
	if fromAlt {
		return true, nil
	}
	return false, ctx.Err()
}

// Release returns a slot taken by Acquire.
func (l *Semaphore) Release() {
	l.mu.Lock()
	l.used--
	l.grant()
	l.mu.Unlock()
}

// SetLimit resizes the semaphore. Shrinking never interrupts holders; it
// only delays new grants until enough slots are released.
func (l *Semaphore) SetLimit(n int) {
	l.mu.Lock()
	l.limit = n
	l.grant()
	l.mu.Unlock()
}

// Limit returns the current size.
func (l *Semaphore) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// grant wakes waiters while slots are free. l.mu must be held.
func (l *Semaphore) grant() {
	for l.used < l.limit && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		l.used++
		close(w)
	}
}

// Hosts bounds what is in flight against each host: whole fetches (Hold)
// and single requests (Acquire). A request made under a fetch's hold on
// the same host borrows the fetch's slot when it is free, so a fetch and
// its first request count once, and a fetch can never wait on itself.
// Semaphores are dropped once unused, so the map does not grow with every
// host ever fetched. A nil *Hosts, or a limit below 1, limits nothing.
type Hosts struct {
	mu    sync.Mutex
	limit int
	hosts map[string]*hostSem
}

type hostSem struct {
	sem  *Semaphore
	refs int
}

// NewHosts returns per-host limits of n at once (n < 1: no limit).
func NewHosts(n int) *Hosts {
	return &Hosts{limit: n, hosts: make(map[string]*hostSem)}
}

// hold is a fetch's slot on one host, lent to one request at a time.
type hold struct {
	hosts *Hosts
	host  string
	lend  chan struct{} // holds a token while the slot is not lent out
}

type holdKey struct{}

// Hold takes a slot on host for a whole fetch and returns a context that
// carries it: Acquire under that context for the same host borrows it.
// release must be called once the fetch is over. The empty host is not
// limited.
func (h *Hosts) Hold(ctx context.Context, host string) (context.Context, func(), error) {
	release, err := h.take(ctx, host, nil)
	if err != nil {
		return ctx, nil, err
	}
	hd := &hold{hosts: h, host: host, lend: make(chan struct{}, 1)}
	hd.lend <- struct{}{}
	return context.WithValue(ctx, holdKey{}, hd), release, nil
}

// Acquire takes a slot on host for one request, or borrows the slot of a
// hold on host carried by ctx, whichever is free first. The returned
// function releases it.
func (h *Hosts) Acquire(ctx context.Context, host string) (func(), error) {
	hd, _ := ctx.Value(holdKey{}).(*hold)
	if hd == nil || hd.hosts != h || hd.host != host {
		return h.take(ctx, host, nil)
	}
	giveBack := func() { hd.lend <- struct{}{} }
	select {
	case <-hd.lend:
		return giveBack, nil
	default:
	}
	return h.take(ctx, host, hd)
}

// take waits for a slot on host, or for hd's lent slot when hd is set.
func (h *Hosts) take(ctx context.Context, host string, hd *hold) (func(), error) {
	if h == nil || host == "" {
		return func() {}, nil
	}
	h.mu.Lock()
	if h.limit < 1 {
		h.mu.Unlock()
		return func() {}, nil
	}
	hs := h.hosts[host]
	if hs == nil {
		hs = &hostSem{sem: NewSemaphore(h.limit)}
		h.hosts[host] = hs
	}
	hs.refs++
	h.mu.Unlock()

	var alt chan struct{}
	if hd != nil {
		alt = hd.lend
	}
	borrowed, err := hs.sem.acquireOr(ctx, alt)
	h.unref(host, err == nil && !borrowed)
	if err != nil {
		return nil, err
	}
	if borrowed {
		return func() { hd.lend <- struct{}{} }, nil
	}
	return func() {
		hs.sem.Release()
		h.unref(host, false)
	}, nil
}

// unref drops one reference to host's semaphore unless keep is set (a
// slot now holds it); at zero the semaphore is forgotten.
func (h *Hosts) unref(host string, keep bool) {
	if keep {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	hs := h.hosts[host]
	if hs == nil {
		return
	}
	if hs.refs--; hs.refs == 0 {
		delete(h.hosts, host)
	}
}

// SetLimit applies a new per-host limit to current and future hosts.
func (h *Hosts) SetLimit(n int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.limit = n
	for _, hs := range h.hosts {
		hs.sem.SetLimit(n)
	}
}

// Limit returns the per-host limit.
func (h *Hosts) Limit() int {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.limit
}

// Size is the number of hosts with a slot held or awaited.
func (h *Hosts) Size() int {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.hosts)
}

// HostKey is the key a URL's host is limited under: the lower-cased host
// name, with the port when it is not the scheme's default, so two servers
// on one address but different ports are limited apart.
func HostKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	switch {
	case host == "":
		return ""
	case port == "", u.Scheme == "http" && port == "80", u.Scheme == "https" && port == "443":
		return host
	}
	return net.JoinHostPort(host, port)
}
