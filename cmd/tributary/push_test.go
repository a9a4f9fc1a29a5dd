package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pushUpstream serves an RSS feed whose items the test sets.
type pushUpstream struct {
	mu    sync.Mutex
	items []string
	srv   *httptest.Server
}

func (u *pushUpstream) set(ids ...string) {
	u.mu.Lock()
	u.items = ids
	u.mu.Unlock()
}

// endpoint records requests: a WebSub subscriber (it echoes challenges)
// and a webhook receiver at once.
type endpoint struct {
	mu     sync.Mutex
	checks []url.Values
	posts  []pushed
	srv    *httptest.Server
}

type pushed struct {
	path   string
	header http.Header
	body   string
}

func newEndpoint(t *testing.T) *endpoint {
	e := &endpoint{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		defer e.mu.Unlock()
		if r.Method == http.MethodGet {
			e.checks = append(e.checks, r.URL.Query())
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		e.posts = append(e.posts, pushed{r.URL.Path, r.Header, string(b)})
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) find(path, substr string) (pushed, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.posts {
		if p.path == path && strings.Contains(p.body, substr) {
			return p, true
		}
	}
	return pushed{}, false
}

func hmacHex(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// TestPushEndToEnd runs the daemon with the built-in hub and a webhook: a
// subscriber subscribes over HTTP, the upstream gains an item, and both
// the subscriber and the webhook receive it, signed.
func TestPushEndToEnd(t *testing.T) {
	up := &pushUpstream{}
	up.set("one")
	up.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up.mu.Lock()
		defer up.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Up</title><link>https://up.example/</link><description>d</description>`)
		for i, id := range up.items {
			fmt.Fprintf(w, `<item><title>Story %s</title><link>https://up.example/%s</link><guid>%s</guid><pubDate>Mon, 0%d Mar 2026 10:00:00 GMT</pubDate></item>`, id, id, id, 9-i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	t.Cleanup(up.srv.Close)
	ep := newEndpoint(t)
	dir := t.TempDir()
	cfg := daemonConfig(dir, e2eToken,
		fmt.Sprintf("  - name: up\n    url: %s\n", up.srv.URL),
		fmt.Sprintf("  - slug: news\n    title: News\n    sources: [up]\n    notify: [{url: %q, secret: hook-secret-value}]\n", ep.srv.URL+"/hook?token=hook-token"))
	// Loopback callbacks are private addresses: allowed here only.
	cfg = strings.Replace(cfg, "fetch:\n", "fetch:\n  allow_private: true\n", 1)
	cfg = strings.Replace(cfg, "storage:", "  websub: {builtin: true}\nstorage:", 1)
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfg)
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: cfgPath, Logger: logger})
	base := m.URL()
	waitFetched(t, base, "up")

	// Every public feed advertises the hub, in the body and the headers.
	resp, body := get(t, base+"/feeds/news.atom")
	if !strings.Contains(string(body), `<link href="http://feeds.test/websub" rel="hub"></link>`) {
		t.Errorf("Atom without its hub link:\n%s", body)
	}
	if l := resp.Header.Get("Link"); l != `<http://feeds.test/websub>; rel="hub", <http://feeds.test/feeds/news.atom>; rel="self"` {
		t.Errorf("Link header %q", l)
	}

	topic := "http://feeds.test/feeds/news.json"
	callback := ep.srv.URL + "/cb"
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {callback}, "hub.secret": {"sub-secret-value"}}
	hr, err := http.PostForm(base+"/websub", form)
	if err != nil {
		t.Fatal(err)
	}
	hr.Body.Close()
	if hr.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d", hr.StatusCode)
	}
	waitFor(t, "the verification of intent", func() bool {
		ep.mu.Lock()
		defer ep.mu.Unlock()
		return len(ep.checks) > 0
	})
	// The subscription is stored once the echo is read; a refresh after
	// that must reach the subscriber.
	waitFor(t, "the subscription stored", func() bool { return strings.Contains(logs.String(), "subscribe verified") })

	up.set("two", "one")
	if resp, _ := do(t, http.MethodPost, base+"/admin/sources/up/refresh", "Authorization", "Bearer "+e2eToken); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("refresh: %d", resp.StatusCode)
	}
	var dist, hook pushed
	waitFor(t, "the distribution and the webhook", func() bool {
		var ok1, ok2 bool
		dist, ok1 = ep.find("/cb", "Story two")
		hook, ok2 = ep.find("/hook", "Story two")
		return ok1 && ok2
	})
	if dist.header.Get("X-Hub-Signature") != hmacHex("sub-secret-value", dist.body) {
		t.Errorf("distribution signature %q", dist.header.Get("X-Hub-Signature"))
	}
	if !strings.HasPrefix(dist.header.Get("Content-Type"), "application/feed+json") || !strings.Contains(dist.body, "Story one") {
		t.Errorf("distribution: %s\n%s", dist.header.Get("Content-Type"), dist.body)
	}
	if hook.header.Get("X-Tributary-Signature") != hmacHex("hook-secret-value", hook.body) {
		t.Errorf("webhook signature %q", hook.header.Get("X-Tributary-Signature"))
	}
	// Each item reaches the webhook once, whether in one document or two
	// (the store was empty when the hook was configured, so "one" is new
	// too, unless the first render already showed it).
	ep.mu.Lock()
	var all strings.Builder
	for _, p := range ep.posts {
		if p.path == "/hook" {
			all.WriteString(p.body)
		}
	}
	ep.mu.Unlock()
	if n := strings.Count(all.String(), `"id":"two"`); n != 1 {
		t.Errorf("item two sent %d times to the webhook", n)
	}
	if n := strings.Count(all.String(), `"id":"one"`); n > 1 {
		t.Errorf("item one sent %d times to the webhook", n)
	}
	for _, secret := range []string{"sub-secret-value", "hook-secret-value", "hook-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows the secret %q", secret)
		}
	}
}

// TestWebSubSubscriberEndToEnd: a websub source's upstream advertises a
// hub; the daemon subscribes, answers the verification at its callback,
// and a signed push shows up in the feed without another poll.
func TestWebSubSubscriberEndToEnd(t *testing.T) {
	var hubMu sync.Mutex
	var requests []url.Values
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		hubMu.Lock()
		requests = append(requests, r.PostForm)
		hubMu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(hub.Close)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Add("Link", "<"+hub.URL+`/hub>; rel="hub"`)
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Up</title><link>https://up.example/</link><description>d</description>`+
			`<item><title>Polled story</title><link>https://up.example/p</link><guid>p</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`)
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	cfg := daemonConfig(dir, e2eToken,
		fmt.Sprintf("  - name: up\n    url: %s\n    websub: true\n", up.URL),
		"  - slug: news\n    title: News\n    sources: [up]\n")
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfg)
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: cfgPath, Logger: logger})
	base := m.URL()

	var req url.Values
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	waitFor(t, "the subscription request", func() bool {
		hubMu.Lock()
		defer hubMu.Unlock()
		if len(requests) > 0 {
			req = requests[0]
		}
		return req != nil
	})
	cb := req.Get("hub.callback")
	if req.Get("hub.mode") != "subscribe" || req.Get("hub.topic") != up.URL || !strings.HasPrefix(cb, "http://feeds.test/websub/callback/up/") {
		t.Fatalf("subscription request %v", req)
	}
	// The hub reaches the callback at the daemon's real address.
	local := strings.Replace(cb, "http://feeds.test", base, 1)
	v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {up.URL}, "hub.challenge": {"chal-123"}, "hub.lease_seconds": {"86400"}}
	resp, body := get(t, local+"?"+v.Encode())
	if resp.StatusCode != http.StatusOK || string(body) != "chal-123" {
		t.Fatalf("verification: %d %q", resp.StatusCode, body)
	}
	pushed := `<rss version="2.0"><channel><title>Up</title><link>https://up.example/</link><description>d</description>` +
		`<item><title>Pushed story</title><link>https://up.example/q</link><guid>q</guid><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`
	post, err := http.NewRequest(http.MethodPost, local, strings.NewReader(pushed))
	if err != nil {
		t.Fatal(err)
	}
	post.Header.Set("Content-Type", "application/rss+xml")
	post.Header.Set("X-Hub-Signature", hmacHex(req.Get("hub.secret"), pushed))
	pr, err := http.DefaultClient.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	pr.Body.Close()
	if pr.StatusCode/100 != 2 {
		t.Fatalf("push: %d", pr.StatusCode)
	}
	waitFor(t, "the pushed item in the feed", func() bool {
		_, b := get(t, base+"/feeds/news.json")
		return strings.Contains(string(b), "Pushed story")
	})
	if strings.Contains(logs.String(), req.Get("hub.secret")) || strings.Contains(logs.String(), strings.TrimPrefix(cb, "http://feeds.test/websub/callback/up/")) {
		t.Error("the log shows the subscription's secret or callback token")
	}
}
