package push

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// testSubscriber is a WebSub subscriber: it confirms what it asked for and
// records what it receives.
type testSubscriber struct {
	srv *httptest.Server

	mu       sync.Mutex
	want     map[string]bool // "mode topic" it intends
	checks   []url.Values
	received []push
	fail     int // answer this many deliveries with 500 first
}

type push struct {
	body        string
	contentType string
	signature   string
	links       []string
}

func newTestSubscriber(t *testing.T) *testSubscriber {
	ts := &testSubscriber{want: make(map[string]bool)}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			ts.checks = append(ts.checks, q)
			if !ts.want[q.Get("hub.mode")+" "+q.Get("hub.topic")] {
				http.NotFound(w, r)
				return
			}
			io.WriteString(w, q.Get("hub.challenge"))
		case http.MethodPost:
			if ts.fail > 0 {
				ts.fail--
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			b, _ := io.ReadAll(r.Body)
			ts.received = append(ts.received, push{string(b), r.Header.Get("Content-Type"), r.Header.Get("X-Hub-Signature"), r.Header.Values("Link")})
		}
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *testSubscriber) intend(mode, topic string) {
	ts.mu.Lock()
	ts.want[mode+" "+topic] = true
	ts.mu.Unlock()
}

func (ts *testSubscriber) pushes() []push {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]push(nil), ts.received...)
}

// request posts a subscription request to the hub.
func request(t *testing.T, hub string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(hub, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHubSubscribeDistributeUnsubscribe(t *testing.T) {
	fx := newFixture(t, Config{Builtin: true, Feeds: []Feed{{Slug: "world"}}}, nil)
	ctx := context.Background()
	fx.feeds.set("world", `{"v":1}`)
	sub := newTestSubscriber(t)
	topic := fx.srv.URL + "/feeds/world.atom"
	callback := sub.srv.URL + "/cb?x=1"
	sub.intend("subscribe", topic)

	code, _ := request(t, fx.srv.URL+"/websub", url.Values{
		"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {callback},
		"hub.secret": {"hush"}, "hub.lease_seconds": {"3600"},
	})
	if code != http.StatusAccepted {
		t.Fatalf("subscribe: %d, want 202", code)
	}
	fx.verifyNext(t)
	if len(sub.checks) != 1 {
		t.Fatalf("verification requests: %d", len(sub.checks))
	}
	q := sub.checks[0]
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topic || q.Get("hub.lease_seconds") != "3600" || len(q.Get("hub.challenge")) < 16 || q.Get("x") != "1" {
		t.Errorf("verification query: %v", q)
	}
	subs, _ := fx.st.Subscriptions(ctx, topic, fx.clock.Now())
	if len(subs) != 1 || subs[0].Secret != "hush" || !subs[0].Expires.Equal(fx.clock.Now().Add(time.Hour)) {
		t.Fatalf("stored subscriptions: %+v", subs)
	}

	// The feed changes: the subscriber gets the new Atom body, signed.
	fx.feeds.set("world", `{"v":2}`)
	fx.s.FeedChanged(ctx, "world")
	fx.s.FeedChanged(ctx, "world") // a second replica seeing the same change
	fx.drainAll()
	got := sub.pushes()
	if len(got) != 1 {
		t.Fatalf("deliveries: %d, want 1", len(got))
	}
	want := fx.feeds.Get("world", 1).Body // Atom
	if got[0].body != string(want) || !strings.HasPrefix(got[0].contentType, "application/atom+xml") {
		t.Errorf("delivered %q (%s), want the Atom body", got[0].body, got[0].contentType)
	}
	if !verifySignature("hush", got[0].signature, want) || !strings.HasPrefix(got[0].signature, "sha256=") {
		t.Errorf("X-Hub-Signature %q does not verify", got[0].signature)
	}
	links := strings.Join(got[0].links, ", ")
	if !strings.Contains(links, "<"+fx.srv.URL+`/websub>; rel="hub"`) || !strings.Contains(links, "<"+topic+`>; rel="self"`) {
		t.Errorf("Link headers: %s", links)
	}

	// Unsubscribe: verified, then nothing more is delivered.
	sub.intend("unsubscribe", topic)
	if code, _ := request(t, fx.srv.URL+"/websub", url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {callback}}); code != http.StatusAccepted {
		t.Fatalf("unsubscribe: %d", code)
	}
	fx.verifyNext(t)
	if subs, _ := fx.st.Subscriptions(ctx, "", fx.clock.Now()); len(subs) != 0 {
		t.Fatalf("after unsubscribe: %+v", subs)
	}
	fx.feeds.set("world", `{"v":3}`)
	fx.s.FeedChanged(ctx, "world")
	fx.drainAll()
	if n := len(sub.pushes()); n != 1 {
		t.Errorf("deliveries after unsubscribe: %d, want still 1", n)
	}
	fx.noSecrets(t, "hush", "/cb?x=1")
}

func TestHubRetriesWithBackoff(t *testing.T) {
	reg := prometheus.NewRegistry()
	fx := newFixture(t, Config{Builtin: true, Feeds: []Feed{{Slug: "world"}}}, func(o *Options) { o.Registerer = reg })
	ctx := context.Background()
	fx.feeds.set("world", `{"v":1}`)
	sub := newTestSubscriber(t)
	topic := fx.srv.URL + "/feeds/world.json"
	sub.intend("subscribe", topic)
	request(t, fx.srv.URL+"/websub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL}})
	fx.verifyNext(t)
	subs, _ := fx.st.Subscriptions(ctx, topic, fx.clock.Now())
	if len(subs) != 1 || !subs[0].Expires.Equal(fx.clock.Now().Add(DefaultLease)) {
		t.Fatalf("default lease: %+v", subs)
	}
	sub.fail = 2
	fx.feeds.set("world", `{"v":2}`)
	fx.s.FeedChanged(ctx, "world")
	fx.drainAll() // fails once
	fx.drainAll() // not due yet
	if n := len(sub.pushes()); n != 0 {
		t.Fatalf("delivered %d before the subscriber recovered", n)
	}
	fx.clock.Add(baseBackoff * 2)
	fx.drainAll() // fails again
	fx.clock.Add(maxBackoff * 2)
	fx.drainAll()
	got := sub.pushes()
	if len(got) != 1 || got[0].body != `{"v":2}` || got[0].signature != "" {
		t.Fatalf("after retries: %+v (an unsigned delivery expected: no secret)", got)
	}
	if p := pending(t, fx.st); len(p) != 0 && p["websub"] != 0 {
		t.Errorf("outbox not empty: %v", p)
	}
	for outcome, want := range map[string]float64{outcomeRetry: 2, outcomeSent: 1, outcomeGivenUp: 0} {
		if got := counterValue(fx.s.m.deliveries.WithLabelValues("websub", outcome)); got != want {
			t.Errorf("tributary_push_deliveries_total{websub,%s} = %v, want %v", outcome, got, want)
		}
	}
}

func TestHubRefusals(t *testing.T) {
	fx := newFixture(t, Config{Builtin: true, Feeds: []Feed{{Slug: "world"}, {Slug: "secret", Private: true}}}, func(o *Options) {
		o.AllowPrivate = false
	})
	base := fx.srv.URL
	good := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {base + "/feeds/world.rss"}, "hub.callback": {"https://subscriber.example/cb"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name string
		form url.Values
		code int
	}{
		{"unknown topic", with("hub.topic", base+"/feeds/nope.rss"), http.StatusNotFound},
		{"private topic", with("hub.topic", base+"/feeds/secret.atom"), http.StatusNotFound},
		{"foreign topic", with("hub.topic", "https://elsewhere.example/feeds/world.rss"), http.StatusNotFound},
		{"bad mode", with("hub.mode", "publish"), http.StatusBadRequest},
		{"no callback", with("hub.callback", ""), http.StatusBadRequest},
		{"loopback callback", with("hub.callback", "http://127.0.0.1:9/cb"), http.StatusBadRequest},
		{"private callback", with("hub.callback", "http://10.1.2.3/cb"), http.StatusBadRequest},
		{"localhost callback", with("hub.callback", "http://localhost/cb"), http.StatusBadRequest},
		{"ftp callback", with("hub.callback", "ftp://example.org/cb"), http.StatusBadRequest},
		{"long secret", with("hub.secret", strings.Repeat("s", 200)), http.StatusBadRequest},
		{"bad lease", with("hub.lease_seconds", "-5"), http.StatusBadRequest},
		{"accepted", good, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := request(t, base+"/websub", tt.form)
			if code != tt.code {
				t.Errorf("%d %s, want %d", code, body, tt.code)
			}
			if strings.Contains(body, strings.Repeat("s", 50)) {
				t.Errorf("answer echoes the secret: %s", body)
			}
		})
	}
	resp, err := http.Get(base + "/websub")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /websub: %d", resp.StatusCode)
	}
}

// TestHubGuardRefusesPrivateAddresses: a callback name that resolves to a
// private address is refused when dialled, so verification fails.
func TestHubGuardRefusesPrivateAddresses(t *testing.T) {
	sub := newTestSubscriber(t)
	o := newOutbound(time.Second, "t", true)
	u, _ := url.Parse(sub.srv.URL)
	_, err := o.do(context.Background(), http.MethodGet, "http://localhost:"+u.Port()+"/", nil, nil)
	if err == nil || !strings.Contains(err.Error(), errPrivate.Error()) {
		t.Errorf("dial to loopback through a name: err = %v, want %v", err, errPrivate)
	}
	if len(sub.checks) != 0 {
		t.Error("the request reached the private address")
	}
}

func TestLeaseBounds(t *testing.T) {
	fx := newFixture(t, Config{Builtin: true, Feeds: []Feed{{Slug: "world"}}}, nil)
	for _, tt := range []struct {
		ask  string
		want time.Duration
	}{{"1", MinLease}, {"99999999999", MaxLease}, {"7200", 2 * time.Hour}} {
		v, code, msg := fx.s.parseRequest(context.Background(), fx.s.cfg.Load(), url.Values{
			"hub.mode": {"subscribe"}, "hub.topic": {fx.srv.URL + "/feeds/world"}, "hub.callback": {"https://s.example/"}, "hub.lease_seconds": {tt.ask},
		})
		if code != 0 || v.lease != tt.want {
			t.Errorf("lease_seconds=%s: %v (%d %s), want %v", tt.ask, v.lease, code, msg, tt.want)
		}
	}
}

// FuzzCheckCallback: whatever a subscriber sends as hub.callback, an
// accepted one is an absolute http(s) URL without credentials, and never
// a literal private address when private addresses are not allowed.
func FuzzCheckCallback(f *testing.F) {
	for _, s := range []string{"https://s.example/cb?x=1", "http://127.0.0.1/", "http://[::1]:80/", "http://user:pw@h/", "http://10.0.0.1", "//x", "http://h/#f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if checkCallback(raw, false) != "" {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			t.Fatalf("accepted %q", raw)
		}
		if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !isPublic(ip) {
			t.Fatalf("accepted the private address %q", raw)
		}
	})
}
