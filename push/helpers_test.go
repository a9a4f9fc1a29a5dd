package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// fakeFeeds serves rendered feeds set by the test.
type fakeFeeds struct {
	mu sync.Mutex
	m  map[string]*feeds.Rendered
}

func (f *fakeFeeds) key(slug string, fm feeds.Format) string { return slug + "." + fm.String() }

func (f *fakeFeeds) Get(slug string, fm feeds.Format) *feeds.Rendered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[f.key(slug, fm)]
}

func (f *fakeFeeds) Render(_ context.Context, slug string, fm feeds.Format) (*feeds.Rendered, error) {
	return f.Get(slug, fm), nil
}

// set publishes body in every format (the JSON one is what webhooks read).
func (f *fakeFeeds) set(slug string, json string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = make(map[string]*feeds.Rendered)
	}
	for _, fm := range []feeds.Format{feeds.RSS, feeds.Atom, feeds.JSON} {
		body := []byte(json)
		if fm != feeds.JSON {
			body = []byte("<feed>" + fm.String() + json + "</feed>")
		}
		sum := sha256.Sum256(body)
		f.m[f.key(slug, fm)] = &feeds.Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum[:8]) + `"`, ContentType: fm.ContentType()}
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openStore(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "t.db")
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// fixture is a Service on a sqlite store, its HTTP handlers served at
// base (so base_url points at it), with a fake clock.
type fixture struct {
	logs  *logBuffer
	s     *Service
	st    *sqlite.DB
	feeds *fakeFeeds
	clock *clock
	srv   *httptest.Server
}

func newFixture(tb testing.TB, cfg Config, mod func(*Options)) *fixture {
	tb.Helper()
	fx := &fixture{feeds: &fakeFeeds{}, clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, logs: &logBuffer{}}
	fx.st = openStore(tb, "")
	mux := http.NewServeMux()
	mux.HandleFunc("/websub", func(w http.ResponseWriter, r *http.Request) { fx.s.ServeHub(w, r) })
	mux.HandleFunc("/websub/callback/", func(w http.ResponseWriter, r *http.Request) { fx.s.ServeCallback(w, r) })
	fx.srv = httptest.NewServer(mux)
	tb.Cleanup(fx.srv.Close)
	cfg.BaseURL = fx.srv.URL
	opts := Options{Store: fx.st, Feeds: fx.feeds, Config: cfg, Now: fx.clock.Now, AllowPrivate: true, Owner: "test",
		Logger: slog.New(slog.NewTextHandler(fx.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	fx.s = s
	return fx
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// noSecrets fails the test if the log holds any of secrets.
func (fx *fixture) noSecrets(tb testing.TB, secrets ...string) {
	tb.Helper()
	fx.logs.mu.Lock()
	defer fx.logs.mu.Unlock()
	text := fx.logs.b.String()
	if text == "" {
		tb.Error("nothing logged: the check would prove nothing")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			tb.Errorf("the log shows the secret %q:\n%s", s, text)
		}
	}
}

// verifyNext runs the next queued verification of intent.
func (fx *fixture) verifyNext(tb testing.TB) {
	tb.Helper()
	select {
	case v := <-fx.s.verify:
		fx.s.verifyIntent(context.Background(), v)
	default:
		tb.Fatal("no verification queued")
	}
}

// drainAll sends every due delivery.
func (fx *fixture) drainAll() {
	for fx.s.drain(context.Background()) {
	}
}

// counterValue reads a counter without prometheus/testutil (which would
// add a module for this alone).
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

func pending(tb testing.TB, st store.Pusher) map[string]int {
	tb.Helper()
	p, err := st.Pending(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
