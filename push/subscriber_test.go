package push

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// testHub is an upstream WebSub hub: it records subscription requests and,
// when asked, verifies them with the subscriber and pushes content.
type testHub struct {
	srv *httptest.Server
	mu  sync.Mutex
	req []url.Values
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		h.mu.Lock()
		h.req = append(h.req, r.PostForm)
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *testHub) last(t *testing.T) url.Values {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.req) == 0 {
		t.Fatal("the hub received no request")
	}
	return h.req[len(h.req)-1]
}

// verify sends the verification of intent for request q; it returns the
// status and the body of the subscriber's answer.
func (h *testHub) verify(t *testing.T, q url.Values, lease string) (int, string) {
	t.Helper()
	challenge := rand.Text()
	v := url.Values{"hub.mode": {q.Get("hub.mode")}, "hub.topic": {q.Get("hub.topic")}, "hub.challenge": {challenge}}
	if lease != "" {
		v.Set("hub.lease_seconds", lease)
	}
	resp, err := http.Get(q.Get("hub.callback") + "?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && string(b) != challenge {
		t.Errorf("echo %q, want the challenge %q", b, challenge)
	}
	return resp.StatusCode, string(b)
}

func (h *testHub) push(t *testing.T, callback, secret, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, callback, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	if secret != "" {
		req.Header.Set("X-Hub-Signature", sign(secret, []byte(body)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const upstreamRSS = `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Up</title><link>https://up.example/</link><description>d</description>
<atom:link rel="hub" href="%HUB%"/>
<atom:link rel="self" href="https://up.example/feed.rss"/>
%ITEMS%
</channel></rss>`

func rssWith(hub string, ids ...string) string {
	var items []string
	for _, id := range ids {
		items = append(items, `<item><title>Story `+id+`</title><link>https://up.example/`+id+`</link><guid>`+id+`</guid></item>`)
	}
	return strings.NewReplacer("%HUB%", hub, "%ITEMS%", strings.Join(items, "\n")).Replace(upstreamRSS)
}

func TestSubscriberLifecycle(t *testing.T) {
	hub := newTestHub(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rssWith(hub.srv.URL+"/hub", "old"))
	}))
	t.Cleanup(upstream.Close)

	var mu sync.Mutex
	ingested := map[string][]sources.Item{}
	fx := newFixture(t, Config{Sources: []Source{{Name: "wire", URL: upstream.URL}}}, func(o *Options) {
		o.Ingest = func(_ context.Context, src string, items []sources.Item) error {
			mu.Lock()
			defer mu.Unlock()
			ingested[src] = append(ingested[src], items...)
			return nil
		}
	})
	ctx := context.Background()
	fx.s.CheckUpstreams(ctx)
	q := hub.last(t)
	cb := q.Get("hub.callback")
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != "https://up.example/feed.rss" ||
		!strings.HasPrefix(cb, fx.srv.URL+"/websub/callback/wire/") || len(strings.TrimPrefix(cb, fx.srv.URL+"/websub/callback/wire/")) < 32 {
		t.Fatalf("subscription request: %v", q)
	}
	secret := q.Get("hub.secret")
	if len(secret) < 32 || q.Get("hub.lease_seconds") != "864000" {
		t.Errorf("secret %d bytes, lease %s", len(secret), q.Get("hub.lease_seconds"))
	}

	// A wrong token or topic is not confirmed.
	wrong := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {q.Get("hub.topic")}, "hub.callback": {cb + "x"}}
	if code, _ := hub.verify(t, wrong, "3600"); code != http.StatusNotFound {
		t.Errorf("wrong token: %d", code)
	}
	other := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://other.example/"}, "hub.callback": {cb}}
	if code, _ := hub.verify(t, other, "3600"); code != http.StatusNotFound {
		t.Errorf("wrong topic: %d", code)
	}
	if code, _ := hub.verify(t, q, "7200"); code != http.StatusOK {
		t.Fatalf("verification: %d", code)
	}
	u, _ := fx.st.Upstream(ctx, "wire")
	if !u.Active || !u.Expires.Equal(fx.clock.Now().Add(2*time.Hour)) {
		t.Fatalf("after verification: active %v, expires %v", u.Active, u.Expires)
	}

	// A signed push is ingested at once; unsigned or badly signed ones are
	// acknowledged and ignored.
	if code := hub.push(t, cb, secret, rssWith("", "new1", "new2")); code/100 != 2 {
		t.Errorf("push: %d", code)
	}
	if code := hub.push(t, cb, "", rssWith("", "forged")); code/100 != 2 {
		t.Errorf("unsigned push: %d, want 2xx (ignored)", code)
	}
	if code := hub.push(t, cb, "wrong", rssWith("", "forged2")); code/100 != 2 {
		t.Errorf("badly signed push: %d", code)
	}
	if got := counterValue(fx.s.m.received.WithLabelValues("wire", "stored")); got != 1 {
		t.Errorf("pushes stored: %v", got)
	}
	if got := counterValue(fx.s.m.received.WithLabelValues("wire", "ignored")); got != 2 {
		t.Errorf("pushes ignored: %v", got)
	}
	mu.Lock()
	var ids []string
	for _, it := range ingested["wire"] {
		ids = append(ids, it.ID)
	}
	mu.Unlock()
	if strings.Join(ids, ",") != "new1,new2" {
		t.Errorf("ingested %v, want new1,new2", ids)
	}

	// Renewal: nothing before three quarters of the lease, then the same
	// callback is asked again.
	n := len(hub.req)
	fx.clock.Add(time.Hour)
	fx.s.CheckUpstreams(ctx)
	if len(hub.req) != n {
		t.Errorf("renewed too early")
	}
	fx.clock.Add(31 * time.Minute)
	fx.s.CheckUpstreams(ctx)
	if len(hub.req) != n+1 || hub.last(t).Get("hub.callback") != cb || hub.last(t).Get("hub.secret") != secret {
		t.Errorf("renewal: %d requests, last %v", len(hub.req), hub.last(t))
	}
	if code, _ := hub.verify(t, hub.last(t), "7200"); code != http.StatusOK {
		t.Errorf("renewal verification: %d", code)
	}

	// The source drops websub: unsubscribe, confirmed by the callback.
	fx.s.SetConfig(Config{BaseURL: fx.srv.URL})
	fx.s.Unsubscribe(ctx, []string{"wire"})
	unsub := hub.last(t)
	if unsub.Get("hub.mode") != "unsubscribe" || unsub.Get("hub.callback") != cb {
		t.Fatalf("unsubscribe request: %v", unsub)
	}
	if code, _ := hub.verify(t, unsub, ""); code != http.StatusOK {
		t.Errorf("unsubscribe verification: %d", code)
	}
	if _, err := fx.st.Upstream(ctx, "wire"); err == nil {
		t.Error("the subscription is still stored")
	}
	fx.noSecrets(t, secret, strings.TrimPrefix(cb, fx.srv.URL+"/websub/callback/wire/"))
}

func TestSubscriberNoHub(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}`)
	}))
	t.Cleanup(upstream.Close)
	fx := newFixture(t, Config{Sources: []Source{{Name: "plain", URL: upstream.URL}}}, nil)
	ctx := context.Background()
	fx.s.CheckUpstreams(ctx)
	u, err := fx.st.Upstream(ctx, "plain")
	if err != nil || u.Active || !u.Expires.Equal(fx.clock.Now().Add(noHubRetry)) {
		t.Errorf("no hub: %+v, %v; want a later check", u, err)
	}
}

func TestSubscriberFullTextRefreshes(t *testing.T) {
	hub := newTestHub(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Link", `<`+hub.srv.URL+`/h>; rel="hub"`)
		w.Header().Add("Link", `<https://up.example/self>; rel="self"`)
		io.WriteString(w, `<rss version="2.0"><channel><title>t</title></channel></rss>`)
	}))
	t.Cleanup(upstream.Close)
	var refreshed []string
	fx := newFixture(t, Config{Sources: []Source{{Name: "ft", URL: upstream.URL, FullText: true}}}, func(o *Options) {
		o.Refresh = func(s string) error { refreshed = append(refreshed, s); return nil }
		o.Ingest = func(context.Context, string, []sources.Item) error { t.Error("ingested a full-text push"); return nil }
	})
	fx.s.CheckUpstreams(context.Background())
	q := hub.last(t)
	if q.Get("hub.topic") != "https://up.example/self" {
		t.Fatalf("topic from the Link header: %v", q)
	}
	hub.verify(t, q, "")
	hub.push(t, q.Get("hub.callback"), q.Get("hub.secret"), rssWith("", "a"))
	if len(refreshed) != 1 || refreshed[0] != "ft" {
		t.Errorf("refreshed %v", refreshed)
	}
}

func TestDiscoverLinks(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		body    string
		hubs    string
		self    string
	}{
		{"link headers win", []string{`<https://hub.example/>; rel="hub", </feed>; rel=self`}, rssWith("https://other.example/"), "https://hub.example/", "https://site.example/feed"},
		{"atom", nil, `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="https://h1/"/><link rel="self" href="https://s/"/><entry><link rel="hub" href="https://no/"/></entry></feed>`, "https://h1/", "https://s/"},
		{"rss", nil, rssWith("/hub"), "https://site.example/hub", "https://up.example/feed.rss"},
		{"json", nil, `{"feed_url":"https://s/j","hubs":[{"type":"WebSub","url":"https://h/"},{"type":"rssCloud","url":"https://no/"}]}`, "https://h/", "https://s/j"},
		{"several rels", []string{`<https://h/>; rel="self hub"`}, "", "https://h/", "https://h/"},
		{"none", nil, `<rss><channel></channel></rss>`, "", ""},
		{"garbage", []string{`nonsense`, `<unclosed`}, "\x00<<<", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hubs, self := discoverLinks(tt.headers, []byte(tt.body), "https://site.example/feed.xml")
			if strings.Join(hubs, " ") != tt.hubs || self != tt.self {
				t.Errorf("hubs %q self %q, want %q %q", hubs, self, tt.hubs, tt.self)
			}
		})
	}
}

func FuzzDiscoverLinks(f *testing.F) {
	f.Add(`<https://h/>; rel="hub", <https://s/>; rel="self"`, rssWith("https://h/", "a"))
	f.Add(`<a>;rel="x\",y", <b>; rel=hub`, `{"hubs":[{"url":"x"}]}`)
	f.Fuzz(func(t *testing.T, header, body string) {
		hubs, self := discoverLinks([]string{header}, []byte(body), "https://site.example/f")
		if len(hubs) > 2*maxLinks {
			t.Errorf("%d hubs", len(hubs))
		}
		for _, h := range append(hubs, self) {
			if h != "" && !strings.Contains(h, ":") {
				t.Errorf("relative URL %q", h)
			}
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("k", "sha256=00", []byte("b"))
	f.Fuzz(func(t *testing.T, secret, header string, body []byte) {
		_ = verifySignature(secret, header, body) // must not panic
		if verifySignature(secret, header, append(bytes.Clone(body), 'x')) && header == sign(secret, body) {
			t.Error("a signature verifies another body")
		}
		if !verifySignature(secret, sign(secret, body), body) {
			t.Error("own signature does not verify")
		}
	})
}

// TestSubscriberRenewalBacksOff: while the upstream is down, a renewal is
// not retried at every check but after three quarters of the lease left.
func TestSubscriberRenewalBacksOff(t *testing.T) {
	hub := newTestHub(t)
	var down bool
	var mu sync.Mutex
	fetches := 0
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fetches++
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, rssWith(hub.srv.URL+"/hub", "a"))
	}))
	t.Cleanup(upstream.Close)
	fx := newFixture(t, Config{Sources: []Source{{Name: "wire", URL: upstream.URL}}}, nil)
	ctx := context.Background()
	fx.s.CheckUpstreams(ctx)
	hub.verify(t, hub.last(t), "4000") // 4,000 s: renewal after 3,000 s
	mu.Lock()
	down = true
	mu.Unlock()
	fx.clock.Add(3001 * time.Second)
	fx.s.CheckUpstreams(ctx) // renewal: discovery fails
	for range 5 {
		fx.clock.Add(time.Minute)
		fx.s.CheckUpstreams(ctx)
	}
	mu.Lock()
	got := fetches
	mu.Unlock()
	if got != 2 {
		t.Errorf("%d fetches of the upstream, want 2 (subscribe, one failed renewal): no retry every minute", got)
	}
	u, _ := fx.st.Upstream(ctx, "wire")
	if !u.Active {
		t.Error("the subscription was dropped before its lease ended")
	}
	fx.clock.Add(12 * time.Minute) // 3/4 of the 999 s left have passed
	fx.s.CheckUpstreams(ctx)
	mu.Lock()
	got = fetches
	mu.Unlock()
	if got != 3 {
		t.Errorf("%d fetches, want a third try", got)
	}
}
