package scheduler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// memStore is an in-memory store.Store for tests.
type memStore struct {
	mu     sync.Mutex
	items  map[string]map[string]sources.Item // source -> id -> item
	states map[string]store.State
	err    error // returned by Upsert when set

	fetches map[string][]store.Fetch // newest first; see fetchlog_fake_test.go
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{items: map[string]map[string]sources.Item{}, states: map[string]store.State{}}
}

func (m *memStore) Upsert(_ context.Context, source string, items []sources.Item, now time.Time) (store.UpsertStats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st store.UpsertStats
	if m.err != nil {
		return st, m.err
	}
	if m.items[source] == nil {
		m.items[source] = map[string]sources.Item{}
	}
	for _, it := range items {
		old, ok := m.items[source][it.ID]
		switch {
		case !ok:
			it.FirstSeen = now
			st.New++
		case old.Title != it.Title || old.Content != it.Content:
			it.FirstSeen = old.FirstSeen
			st.Updated++
		default:
			continue
		}
		m.items[source][it.ID] = it
	}
	return st, nil
}

func (m *memStore) Items(_ context.Context, q store.Query) ([]sources.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sources.Item
	for _, name := range q.Sources {
		for _, it := range m.items[name] {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b sources.Item) int { return b.Date().Compare(a.Date()) })
	return out, nil
}

func (m *memStore) Has(_ context.Context, source, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.items[source][id]
	return ok, nil
}

// Prune deletes items beyond keep, highest IDs first (tests use ordered IDs).
func (m *memStore) Prune(_ context.Context, source string, keep int) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.items[source]))
	for id := range m.items[source] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var n int64
	for _, id := range ids[min(keep, len(ids)):] {
		delete(m.items[source], id)
		n++
	}
	return n, nil
}

func (m *memStore) Counts(context.Context) (map[string]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for name, items := range m.items {
		out[name] = len(items)
	}
	return out, nil
}

func (m *memStore) State(_ context.Context, source string) (store.State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.states[source]
	if !ok {
		return store.State{}, store.ErrNotFound
	}
	return st, nil
}

func (m *memStore) SetState(_ context.Context, st store.State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Source] = st
	return nil
}

func (m *memStore) States(context.Context) ([]store.State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.State
	for _, st := range m.states {
		out = append(out, st)
	}
	return out, nil
}

func (m *memStore) Close() error { return nil }

func (m *memStore) Versions(context.Context, []string) (map[string]time.Time, error) {
	return map[string]time.Time{}, nil
}
func (m *memStore) TouchFeeds(context.Context, []string, time.Time) error { return nil }
func (m *memStore) HotFeeds(context.Context, time.Time, int) ([]string, error) {
	return nil, nil
}

func (m *memStore) get(t *testing.T, source string) store.State {
	t.Helper()
	st, err := m.State(context.Background(), source)
	if err != nil {
		t.Fatalf("state %s: %v", source, err)
	}
	return st
}

func (m *memStore) item(source, id string) (sources.Item, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[source][id]
	return it, ok
}

// claimStore adds store.Claimer to memStore: a store shared by replicas.
type claimStore struct {
	*memStore
	grant    bool
	mu       sync.Mutex
	calls    []string // source of each ClaimSource
	released []string
}

func (c *claimStore) ClaimSource(_ context.Context, source string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, source)
	return c.grant, nil
}

func (c *claimStore) ReleaseSource(_ context.Context, source string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.released = append(c.released, source)
	return nil
}

// fakeSource runs fn on every fetch and counts calls.
type fakeSource struct {
	calls atomic.Int32
	fn    func(ctx context.Context, req sources.Request) (*sources.Result, error)
}

func (f *fakeSource) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	f.calls.Add(1)
	return f.fn(ctx, req)
}

func items(ids ...string) func(context.Context, sources.Request) (*sources.Result, error) {
	return func(context.Context, sources.Request) (*sources.Result, error) {
		res := &sources.Result{ETag: `"v1"`}
		for _, id := range ids {
			res.Items = append(res.Items, sources.Item{ID: id, Title: "title " + id})
		}
		return res, nil
	}
}

func failing(err error) func(context.Context, sources.Request) (*sources.Result, error) {
	return func(context.Context, sources.Request) (*sources.Result, error) { return nil, err }
}

// untilCancelled returns a fetch function that closes entered, then blocks
// until its context is done. It suits a source fetched once.
func untilCancelled(entered chan<- struct{}) func(context.Context, sources.Request) (*sources.Result, error) {
	return func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		close(entered)
		<-ctx.Done()
		return nil, ctx.Err()
	}
}

// clock is a settable fake time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness wires a Scheduler to a memStore and fake sources by name.
type harness struct {
	s       *Scheduler
	store   *memStore
	clock   *clock
	mu      sync.Mutex
	srcs    map[string]*fakeSource
	changes []string
}

func newHarness(t testing.TB, mod func(*Options)) *harness {
	t.Helper()
	h := &harness{store: newMemStore(), clock: newClock(), srcs: map[string]*fakeSource{}}
	opts := Options{
		Store: h.store,
		Build: func(src config.Source) (sources.Source, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			f, ok := h.srcs[src.Name]
			if !ok {
				return nil, errors.New("no fake for " + src.Name)
			}
			return f, nil
		},
		OnChange: func(name string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.changes = append(h.changes, name)
		},
		Now:   h.clock.Now,
		Rand:  func(int64) int64 { return 0 },
		Owner: "replica-1",
	}
	if mod != nil {
		mod(&opts)
	}
	h.s = New(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = h.s.Stop(ctx)
	})
	return h
}

func (h *harness) add(name string, fn func(context.Context, sources.Request) (*sources.Result, error)) *fakeSource {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := &fakeSource{fn: fn}
	h.srcs[name] = f
	return f
}

func (h *harness) changed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.changes)
}

// cfg builds a configuration of feed sources named after their hosts'
// first label: "a-1" is fetched from https://a.example/1.
func cfg(fetch config.Fetch, names ...string) *config.Config {
	if fetch.Schedule == "" {
		fetch.Schedule = "@every 1h"
	}
	c := &config.Config{Fetch: fetch}
	for _, n := range names {
		host, path, _ := strings.Cut(n, "-")
		c.Sources = append(c.Sources, config.Source{
			Name: n, Kind: config.KindFeed, URL: "https://" + host + ".example/" + path,
		})
	}
	return c
}

// compile fills the fetch settings c leaves zero with the defaults and
// compiles c as config.Parse would, so tests can edit a configuration and
// then sync it.
func compile(t testing.TB, c *config.Config) *config.Config {
	t.Helper()
	def := config.Default()
	if c.Server.Listen == "" {
		c.Server = def.Server
	}
	if c.Storage.Driver == "" {
		c.Storage = def.Storage
	}
	d := def.Fetch
	f := &c.Fetch
	if f.Timeout == 0 {
		f.Timeout = d.Timeout
	}
	if f.UserAgent == "" {
		f.UserAgent = d.UserAgent
	}
	if f.MaxBody == 0 {
		f.MaxBody = d.MaxBody
	}
	if f.Concurrency == 0 {
		f.Concurrency = d.Concurrency
	}
	if f.PerHost == 0 {
		f.PerHost = d.PerHost
	}
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond; it fails the test if cond never holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 5000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// entry is the scheduler's entry of the source.
func (h *harness) entry(name string) *entry {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.s.entries[name]
}

// scheduled runs a cron tick of the source and waits for the fetch it
// queued (after its jitter) to end.
func (h *harness) scheduled(t *testing.T, name string) {
	t.Helper()
	h.s.scheduled(h.entry(name))
	waitFor(t, name+"'s scheduled fetch to end", func() bool { return !h.s.isRunning(name) })
}

func (s *Scheduler) isRunning(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[name] != nil
}
