package server

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Admin throttles. A leaked or guessed token must not turn the daemon into
// a way to hammer upstreams, and guessing must be slow.
const (
	// DefaultRefreshInterval is the least time between two admin
	// refreshes of one source.
	DefaultRefreshInterval = 10 * time.Second
	// maxAuthFailures failed admin requests from one client address
	// within authWindow block that address until the window ends.
	maxAuthFailures = 10
	authWindow      = time.Minute
	// maxThrottled bounds the addresses and sources remembered.
	maxThrottled = 4096
)

// throttle remembers recent admin refreshes per source and failed
// authentications per client address.
type throttle struct {
	interval time.Duration // <= 0: refreshes are not spaced

	mu        sync.Mutex
	refreshed map[string]time.Time // source -> last accepted refresh
	failures  map[string]*failures // client address -> failures
}

type failures struct {
	start time.Time // of the window
	n     int
}

func newThrottle(interval time.Duration) *throttle {
	return &throttle{interval: interval, refreshed: map[string]time.Time{}, failures: map[string]*failures{}}
}

// blocked reports how long the client must wait before its token is
// looked at again, or 0.
func (t *throttle) blocked(client string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.failures[client]
	if f == nil || f.n < maxAuthFailures {
		return 0
	}
	if left := f.start.Add(authWindow).Sub(now); left > 0 {
		return left
	}
	delete(t.failures, client)
	return 0
}

// failed records a failed authentication of client.
func (t *throttle) failed(client string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.failures[client]
	if f == nil || now.Sub(f.start) >= authWindow {
		if f == nil && len(t.failures) >= maxThrottled {
			t.expire(now)
		}
		f = &failures{start: now}
		t.failures[client] = f
	}
	f.n++
}

// expire drops windows that ended; if every address is still in its
// window (a flood from many addresses), it forgets them all rather than
// grow: the per-address bound then restarts, memory stays bounded.
func (t *throttle) expire(now time.Time) {
	for c, f := range t.failures {
		if now.Sub(f.start) >= authWindow {
			delete(t.failures, c)
		}
	}
	if len(t.failures) >= maxThrottled {
		clear(t.failures)
	}
}

// refresh reports whether source may be refreshed now, recording it if
// so, else how long to wait.
func (t *throttle) refresh(source string, now time.Time) (wait time.Duration) {
	if t.interval <= 0 {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.refreshed[source]; ok {
		if wait = last.Add(t.interval).Sub(now); wait > 0 {
			return wait
		}
	}
	if len(t.refreshed) >= maxThrottled {
		for s, last := range t.refreshed {
			if now.Sub(last) >= t.interval {
				delete(t.refreshed, s)
			}
		}
	}
	t.refreshed[source] = now
	return 0
}

// clientAddr is the request's remote IP address, without the port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// tooManyRequests answers 429 with Retry-After in whole seconds, rounded up.
func tooManyRequests(w http.ResponseWriter, wait time.Duration, msg string) int {
	secs := int64((wait + time.Second - 1) / time.Second)
	w.Header()["Retry-After"] = []string{strconv.FormatInt(max(secs, 1), 10)}
	http.Error(w, "429 "+msg, http.StatusTooManyRequests)
	return http.StatusTooManyRequests
}
