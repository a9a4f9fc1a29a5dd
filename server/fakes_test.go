package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/store"
)

var testModified = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fakeFeeds serves fixed renders of the feeds "world" and "empty".
//
// A feed marked uncached is not returned by Get until Render renders it,
// as with a Publisher that has not rendered it since it started.
type fakeFeeds struct {
	rendered   map[feedKey]*feeds.Rendered
	infos      []feeds.Info
	access     map[string]*feeds.Access
	pages      map[string]*feeds.Page // see pagefakes_test.go
	ready      atomic.Bool
	mu         sync.Mutex
	uncached   map[feedKey]bool
	renders    atomic.Int64
	renderErr  error
	archive    map[archiveKey]*feeds.Rendered
	archiveErr error
}

func newFakeFeeds(t testing.TB) *fakeFeeds {
	t.Helper()
	ff := &fakeFeeds{rendered: map[feedKey]*feeds.Rendered{}}
	for _, f := range []feeds.Format{feeds.RSS, feeds.Atom, feeds.JSON} {
		ct := f.ContentType()
		body := []byte(strings.Repeat(fmt.Sprintf("<item>%s %d</item>\n", ct, f), 200))
		ff.rendered[key("world", f)] = render(t, body, ct)
	}
	ff.infos = []feeds.Info{
		{Slug: "world", Title: `World <news> & "more"`, Description: "Wire and embassy news", Items: 50, Updated: testModified},
		{Slug: "empty", Title: "Empty", Items: 0},
	}
	ff.pages = fakePages(ff.infos)
	return ff
}

type feedKey struct {
	slug string
	f    feeds.Format
}

func key(slug string, f feeds.Format) feedKey { return feedKey{slug, f} }

func render(t testing.TB, body []byte, contentType string) *feeds.Rendered {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	return &feeds.Rendered{
		Body: body, Gzip: gz.Bytes(),
		ETag:         fmt.Sprintf(`"%x"`, sum[:8]),
		GzipETag:     fmt.Sprintf(`"%x-gz"`, sum[:8]),
		LastModified: testModified, LastModifiedHTTP: testModified.Format(http.TimeFormat),
		ContentType: contentType, CacheControl: "public, max-age=900",
	}
}

func (ff *fakeFeeds) Get(slug string, f feeds.Format) *feeds.Rendered {
	if ff.uncached != nil {
		ff.mu.Lock()
		defer ff.mu.Unlock()
		if ff.uncached[key(slug, f)] {
			return nil
		}
	}
	return ff.rendered[key(slug, f)]
}

// uncache makes the feed's format unrendered.
func (ff *fakeFeeds) uncache(slug string, f feeds.Format) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	if ff.uncached == nil {
		ff.uncached = map[feedKey]bool{}
	}
	ff.uncached[key(slug, f)] = true
}

func (ff *fakeFeeds) Validators(slug string, f feeds.Format) *feeds.Rendered {
	rd := ff.rendered[key(slug, f)]
	if rd == nil {
		return nil
	}
	v := *rd
	v.Body, v.Gzip = nil, nil
	return &v
}

func (ff *fakeFeeds) Render(_ context.Context, slug string, f feeds.Format) (*feeds.Rendered, error) {
	ff.renders.Add(1)
	if ff.renderErr != nil {
		return nil, ff.renderErr
	}
	ff.mu.Lock()
	defer ff.mu.Unlock()
	delete(ff.uncached, key(slug, f))
	return ff.rendered[key(slug, f)], nil
}
func (ff *fakeFeeds) Feeds() []feeds.Info { return ff.infos }
func (ff *fakeFeeds) Ready() bool         { return ff.ready.Load() }
func (ff *fakeFeeds) Access(slug string) *feeds.Access {
	return ff.access[slug]
}
func (ff *fakeFeeds) Archive(_ context.Context, slug string, n int, f feeds.Format) (*feeds.Rendered, error) {
	if ff.archiveErr != nil {
		return nil, ff.archiveErr
	}
	return ff.archive[archiveKey{slug, n, f}], nil
}

type archiveKey struct {
	slug string
	n    int
	f    feeds.Format
}

type fakeSources struct {
	status    []scheduler.SourceStatus
	err       error
	refreshed []string
	history   map[string][]store.Fetch // see pagefakes_test.go
}

func (fs *fakeSources) Status(context.Context) ([]scheduler.SourceStatus, error) {
	return fs.status, fs.err
}

func (fs *fakeSources) Refresh(name string) error {
	for _, st := range fs.status {
		if st.Name == name {
			fs.refreshed = append(fs.refreshed, name)
			return nil
		}
	}
	return fmt.Errorf("refresh %q: %w", name, scheduler.ErrUnknownSource)
}

type fixture struct {
	srv     *Server
	feeds   *fakeFeeds
	sources *fakeSources
	metrics *metrics.Metrics
}

func newFixture(t testing.TB, token string) *fixture {
	t.Helper()
	fx := &fixture{
		feeds: newFakeFeeds(t),
		sources: &fakeSources{status: []scheduler.SourceStatus{
			{Name: "world-wire", Kind: "feed", Schedule: "*/15 * * * *", Items: 120,
				LastFetch: testModified, LastSuccess: testModified, NextRun: testModified.Add(15 * time.Minute),
				Health: scheduler.Healthy},
			{Name: "hostile", Kind: "html", Schedule: "@every 30m",
				LastFetch: testModified, LastError: `<script>alert("x")</script>`, Failures: 3, Health: scheduler.Failing},
		}},
		metrics: metrics.New("test"),
	}
	fx.srv = New(Options{
		Feeds: fx.feeds, Sources: fx.sources, Metrics: fx.metrics,
		BaseURL: "http://feeds.example/", AdminToken: token, Version: "test",
		Now: func() time.Time { return testNow },
	})
	return fx
}

// do runs one request through the server, with header pairs "Key", "value".
func (fx *fixture) do(method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	fx.srv.ServeHTTP(w, r)
	return w
}
