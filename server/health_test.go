package server

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// TestStoreHealth: a failing store shows on /status, /status.json and
// /metrics and makes the replica not ready, while feeds keep serving their
// last render; a later successful write restores all of it.
func TestStoreHealth(t *testing.T) {
	fx := newFixture(t, "")
	h := &store.Health{}
	fx.metrics.WatchStore(h.OK, h.Failures)
	fx.srv = New(Options{Feeds: fx.feeds, Sources: fx.sources, Metrics: fx.metrics, BaseURL: "http://feeds.example/", Health: h})
	fx.feeds.ready.Store(true)
	if w := fx.do("GET", "/readyz"); w.Code != 200 {
		t.Fatalf("readyz with a healthy store: %d", w.Code)
	}
	since := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	h.Record(&pathErr{"/var/lib/tributary/tributary.db-wal", syscall.ENOSPC}, since)
	h.Record(errors.New("database or disk is full (13)"), since.Add(time.Minute))

	if w := fx.do("GET", "/readyz"); w.Code != 503 {
		t.Errorf("readyz with a full disk: %d", w.Code)
	}
	if w := fx.do("GET", "/feeds/world.atom"); w.Code != 200 {
		t.Errorf("feed with a full disk: %d, want the last render", w.Code)
	}
	js := fx.do("GET", "/status.json").Body.String()
	if !strings.Contains(js, `"store": {
    "ok": false,
    "failing_since": "2026-03-04T05:06:07Z",
    "problem": "disk full",
    "write_errors": 2
  }`) {
		t.Errorf("/status.json:\n%s", js)
	}
	page := fx.do("GET", "/status").Body.String()
	if !strings.Contains(page, "Store: writes failing (disk full) since 2026-03-04T05:06:07Z") {
		t.Errorf("/status does not show the failing store:\n%s", page)
	}
	for _, body := range []string{js, page} {
		if strings.Contains(body, "/var/lib") {
			t.Error("status shows the store's path")
		}
	}
	m := fx.do("GET", "/metrics").Body.String()
	if !strings.Contains(m, "tributary_store_healthy 0") || !strings.Contains(m, "tributary_store_write_errors_total 2") {
		t.Errorf("metrics:\n%s", m)
	}

	h.Record(nil, since.Add(time.Hour))
	if w := fx.do("GET", "/readyz"); w.Code != 200 {
		t.Errorf("readyz after a successful write: %d", w.Code)
	}
	if m := fx.do("GET", "/metrics").Body.String(); !strings.Contains(m, "tributary_store_healthy 1") {
		t.Error("metrics still say unhealthy")
	}
}

type pathErr struct {
	path string
	err  error
}

func (e *pathErr) Error() string { return "write " + e.path + ": " + e.err.Error() }
func (e *pathErr) Unwrap() error { return e.err }
