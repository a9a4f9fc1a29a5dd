package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Health tracks, in memory, whether the store accepts writes: a full disk
// or a lost database must show on the status page, in the metrics and as
// "not ready", even though nothing can be written about it. A nil *Health
// is always healthy and records nothing.
type Health struct {
	mu       sync.Mutex
	failing  bool
	since    time.Time // first failure of the current run of failures
	problem  string
	failures int64 // write failures since start
}

// HealthStatus is a snapshot of Health.
type HealthStatus struct {
	OK bool
	// Since is when writes started failing; zero when OK.
	Since time.Time
	// Problem says what kind of failure it is ("disk full", "read-only",
	// "write failed"), without the error's detail, which may name paths
	// or hosts; the log has the detail.
	Problem string
	// Failures counts failed writes since start.
	Failures int64
}

// Record notes the outcome of a write at now: nil marks the store healthy
// again, an error marks it failing. Cancellations are not the store's
// fault and are ignored.
func (h *Health) Record(err error, now time.Time) {
	if h == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.failing, h.since, h.problem = false, time.Time{}, ""
		return
	}
	h.failures++
	if !h.failing {
		h.failing, h.since = true, now
	}
	h.problem = classify(err)
}

// OK reports whether the last write succeeded.
func (h *Health) OK() bool {
	if h == nil {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.failing
}

// Status returns a snapshot.
func (h *Health) Status() HealthStatus {
	if h == nil {
		return HealthStatus{OK: true}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return HealthStatus{OK: !h.failing, Since: h.since, Problem: h.problem, Failures: h.failures}
}

// Failures counts failed writes since start.
func (h *Health) Failures() int64 { return h.Status().Failures }

// classify names the kind of a write failure from the error chain or,
// for drivers that only give text (SQLite, PostgreSQL), from its wording.
func classify(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EFBIG), errors.Is(err, syscall.EDQUOT),
		strings.Contains(msg, "disk is full"), strings.Contains(msg, "no space left"),
		strings.Contains(msg, "file too large"), strings.Contains(msg, "disk full"),
		strings.Contains(msg, "could not extend file"): // PostgreSQL's ENOSPC
		return "disk full"
	case errors.Is(err, syscall.EROFS), strings.Contains(msg, "readonly"), strings.Contains(msg, "read-only"):
		return "read-only"
	}
	return "write failed"
}
