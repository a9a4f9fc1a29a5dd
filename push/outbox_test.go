package push

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an HTTP endpoint that fails its first fail requests.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	fail int
	got  []*http.Request
	body []string
}

func newRecorder(t *testing.T, fail int) *recorder {
	rc := &recorder{fail: fail}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.fail > 0 {
			rc.fail--
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		rc.got = append(rc.got, r)
		rc.body = append(rc.body, string(b))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *recorder) bodies() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.body...)
}

func jsonFeed(ids ...string) string {
	var items []string
	for _, id := range ids {
		items = append(items, `{"id":"`+id+`","title":"Item `+id+`","content_text":"<b>`+id+`</b>"}`)
	}
	return `{"version":"https://jsonfeed.org/version/1.1","title":"World news","feed_url":"x","items":[` + strings.Join(items, ",") + `]}`
}

// TestWebhookFailsTwice: new items reach a receiver that fails twice, in
// one signed JSON Feed document, after retries that survive a restart.
func TestWebhookFailsTwice(t *testing.T) {
	rc := newRecorder(t, 2)
	dbPath := filepath.Join(t.TempDir(), "t.db")
	cfg := Config{Feeds: []Feed{{Slug: "world", Notify: []Hook{{URL: rc.srv.URL + "/in?token=abc", Secret: "hook-secret"}}}}}
	fx := newFixture(t, cfg, nil)
	fx.st = openStore(t, dbPath)
	fx.s.st = fx.st
	ctx := context.Background()

	fx.feeds.set("world", jsonFeed("a", "b"))
	fx.s.FeedChanged(ctx, "world") // the items present when the hook is configured are not sent
	fx.drainAll()
	if p := pending(t, fx.st); p["webhook"] != 0 {
		t.Fatalf("queued %v for the initial items", p)
	}
	fx.feeds.set("world", jsonFeed("d", "c", "a", "b"))
	fx.s.FeedChanged(ctx, "world")
	fx.s.FeedChanged(ctx, "world") // seen again (another replica): queued once
	fx.drainAll()                  // fails: 503
	fx.clock.Add(time.Hour)
	fx.drainAll() // fails again

	// Restart: a new Service on the same store finishes the job.
	fx.st.Close()
	st2 := openStore(t, dbPath)
	s2, err := New(Options{Store: st2, Feeds: fx.feeds, Config: fx.s.cfg.Load().Config, Now: fx.clock.Now, Owner: "second"})
	if err != nil {
		t.Fatal(err)
	}
	fx.clock.Add(3 * time.Hour)
	for s2.drain(ctx) {
	}
	bodies := rc.bodies()
	if len(bodies) != 1 {
		t.Fatalf("received %d documents, want 1", len(bodies))
	}
	r := rc.got[0]
	if !verifyHMAC("hook-secret", r.Header.Get("X-Tributary-Signature"), bodies[0]) {
		t.Errorf("X-Tributary-Signature %q does not verify", r.Header.Get("X-Tributary-Signature"))
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/feed+json") {
		t.Errorf("Content-Type %q", ct)
	}
	var doc struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Items   []struct {
			ID          string `json:"id"`
			ContentText string `json:"content_text"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(bodies[0]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title != "World news" || len(doc.Items) != 2 ||
		doc.Items[0].ID != "c" || doc.Items[1].ID != "d" || doc.Items[0].ContentText != "<b>c</b>" {
		t.Errorf("document: %s", bodies[0])
	}
	if p, _ := st2.Pending(ctx); len(p) != 0 {
		t.Errorf("outbox after delivery: %v", p)
	}
}

func verifyHMAC(secret, header, body string) bool {
	return strings.HasPrefix(header, "sha256=") && verifySignature(secret, header, []byte(body))
}

// TestWebhookGivesUp drops a delivery after MaxAttempts failures.
func TestWebhookGivesUp(t *testing.T) {
	rc := newRecorder(t, 100)
	fx := newFixture(t, Config{Feeds: []Feed{{Slug: "w", Notify: []Hook{{URL: rc.srv.URL}}}}}, func(o *Options) { o.MaxAttempts = 3 })
	ctx := context.Background()
	fx.feeds.set("w", jsonFeed())
	fx.s.FeedChanged(ctx, "w")
	fx.feeds.set("w", jsonFeed("x"))
	fx.s.FeedChanged(ctx, "w")
	for range 5 {
		fx.drainAll()
		fx.clock.Add(maxBackoff * 2)
	}
	if p := pending(t, fx.st); len(p) != 0 {
		t.Errorf("still queued after giving up: %v", p)
	}
	if rc.fail != 97 {
		t.Errorf("attempts: %d, want 3", 100-rc.fail)
	}
}

// TestPingHubs: each change pings every configured hub for each of the
// feed's URLs, retried when a hub fails; an unchanged feed pings nothing.
func TestPingHubs(t *testing.T) {
	hub := newRecorder(t, 1)
	fx := newFixture(t, Config{Hubs: []string{hub.srv.URL + "/hub"}, Feeds: []Feed{{Slug: "world"}, {Slug: "private", Private: true}}}, nil)
	ctx := context.Background()
	fx.feeds.set("world", jsonFeed("a"))
	fx.feeds.set("private", jsonFeed("a"))
	fx.s.FeedChanged(ctx, "world") // first sight after start: nothing to ping
	fx.s.FeedChanged(ctx, "private")
	fx.drainAll()
	if n := len(hub.bodies()); n != 0 {
		t.Fatalf("pinged %d times for an unchanged feed", n)
	}
	fx.feeds.set("world", jsonFeed("b", "a"))
	fx.feeds.set("private", jsonFeed("b", "a"))
	fx.s.FeedChanged(ctx, "world")
	fx.s.FeedChanged(ctx, "world")
	fx.s.FeedChanged(ctx, "private")
	fx.drainAll() // one fails
	fx.clock.Add(time.Hour)
	fx.drainAll()
	var urls []string
	for _, b := range hub.bodies() {
		q, _ := url.ParseQuery(b)
		if q.Get("hub.mode") != "publish" {
			t.Errorf("ping %q", b)
		}
		urls = append(urls, q.Get("hub.url"))
	}
	base := fx.srv.URL + "/feeds/world"
	want := map[string]bool{base: true, base + ".rss": true, base + ".atom": true, base + ".json": true}
	if len(urls) != 4 {
		t.Fatalf("pinged %q, want the 4 URLs of world once each", urls)
	}
	for _, u := range urls {
		if !want[u] {
			t.Errorf("pinged %s", u)
		}
		delete(want, u)
	}
}
