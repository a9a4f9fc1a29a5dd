package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tributaryfeeds/tributary/sources"
)

// needBrowser skips when no Chromium is installed, except in CI, where
// .ci/run installs it and a skip would hide a broken setup.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := Find(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
}

// newBrowser starts a browser for one test and closes it after.
func newBrowser(t *testing.T, opts Options) *Browser {
	t.Helper()
	needBrowser(t)
	b := New(opts)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func render(t *testing.T, b *Browser, p Page) (*Result, error) {
	t.Helper()
	if p.Timeout == 0 {
		p.Timeout = 8 * time.Second
	}
	return b.Render(context.Background(), p)
}

// site serves the test pages. hang blocks until the test ends.
func site(t *testing.T, pages map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	mux := http.NewServeMux()
	for path, h := range pages {
		mux.HandleFunc(path, h)
	}
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

func html(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>t</title></head><body>"+body+"</body></html>")
	}
}

// delayed inserts its items 300 ms after the load event, from a request
// of its own, as listing pages that fetch their items with JavaScript do.
const delayed = `<ul id="news"></ul>
<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    fetch("/items").then(function (r) { return r.json(); }).then(function (titles) {
      var ul = document.getElementById("news");
      titles.forEach(function (t, i) {
        var li = document.createElement("li");
        li.innerHTML = '<a href="/n/' + i + '">' + t + '</a>';
        ul.appendChild(li);
      });
    });
  }, 300);
});
</script>`

func TestRenderWaitsForScriptInsertedItems(t *testing.T) {
	// While hold is set, /items answers only when the tab has gone: a
	// page read at its load event then never has its items, however slow
	// the machine.
	var hold atomic.Bool
	srv := site(t, map[string]http.HandlerFunc{
		"/": html(delayed),
		"/items": func(w http.ResponseWriter, r *http.Request) {
			if hold.Load() {
				<-r.Context().Done()
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `["Tram line opens", "Library reopens"]`)
		},
	})
	b := newBrowser(t, Options{})
	res, err := render(t, b, Page{URL: srv.URL + "/", WaitFor: "#news li"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="/n/0">Tram line opens</a>`, `<a href="/n/1">Library reopens</a>`} {
		if !strings.Contains(string(res.HTML), want) {
			t.Errorf("rendered DOM lacks %s:\n%s", want, res.HTML)
		}
	}
	if res.URL != srv.URL+"/" || res.StatusCode != 200 || res.Warning != "" {
		t.Errorf("url %q status %d warning %q", res.URL, res.StatusCode, res.Warning)
	}
	// Without wait_for the page is read at its load event, before its
	// items: wait_for is what makes such a page work.
	hold.Store(true)
	res, err = render(t, b, Page{URL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.HTML), `<a href="/n/0">`) || res.Warning != "" {
		t.Errorf("read at the load event: items present or warning %q", res.Warning)
	}
	hold.Store(false)
	// An XPath wait_for works too.
	res, err = render(t, b, Page{URL: srv.URL + "/", WaitFor: "xpath://ul[@id='news']/li[2]"})
	if err != nil || !strings.Contains(string(res.HTML), `<a href="/n/1">Library reopens</a>`) {
		t.Errorf("xpath wait_for: %v", err)
	}
}

func TestRenderPageThatNeverFinishesLoading(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{
		// The listing is in the HTML, but an image never arrives, so the
		// load event never fires.
		"/":      html(`<ul id="news"><li><a href="/a">Harbour wind farm</a></li></ul><img src="/hang">`),
		"/stuck": html(`<ul id="news"><li>Never read</li></ul><script>while (true) {}</script>`),
	})
	b := newBrowser(t, Options{})
	// Start the browser first: the first render starts it within its
	// own time, which on a loaded machine would leave the page little.
	if _, err := render(t, b, Page{URL: srv.URL + "/", WaitFor: "#news li"}); err != nil {
		t.Fatal(err)
	}

	res, err := render(t, b, Page{URL: srv.URL + "/", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "Harbour wind farm") || !strings.Contains(res.Warning, "still loading") {
		t.Errorf("warning %q, html:\n%s", res.Warning, res.HTML)
	}
	// With wait_for the page is read as soon as the listing is there.
	res, err = render(t, b, Page{URL: srv.URL + "/", WaitFor: "#news li", Timeout: 5 * time.Second})
	if err != nil || res.Warning != "" || !strings.Contains(string(res.HTML), "Harbour wind farm") {
		t.Errorf("with wait_for: %v, warning %q", err, res.Warning)
	}

	// A document that never answers, and a script that never yields:
	// both fail at the timeout, and the tab is closed.
	for _, path := range []string{"/hang", "/stuck"} {
		_, err = render(t, b, Page{URL: srv.URL + path, Timeout: 1500 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "tab closed") {
			t.Errorf("%s: err = %v, want the timeout", path, err)
		}
	}
	// The browser goes on serving other pages.
	if _, err := render(t, b, Page{URL: srv.URL + "/", WaitFor: "#news li"}); err != nil {
		t.Errorf("after timeouts: %v", err)
	}
	assertNoTabsLeft(t, b)
}

func TestRenderDismissesDialogs(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{"/": html(`<ul id="news"></ul>
<script>
alert("Subscribe to our newsletter!");
var ok = confirm("Accept cookies?");
document.getElementById("news").innerHTML = '<li class="item">After the dialogs</li><li id="confirm">' + ok + '</li>';
</script>`)})
	b := newBrowser(t, Options{})
	res, err := render(t, b, Page{URL: srv.URL + "/", WaitFor: "li.item"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "After the dialogs") || !strings.Contains(string(res.HTML), `<li id="confirm">false</li>`) {
		t.Errorf("html:\n%s", res.HTML)
	}
}

func TestRenderCookieGatedPage(t *testing.T) {
	var thirdPartyAuth atomic.Value
	thirdPartyAuth.Store("")
	third := site(t, map[string]http.HandlerFunc{"/lib.js": func(w http.ResponseWriter, r *http.Request) {
		thirdPartyAuth.Store(r.Header.Get("X-Api-Key") + r.Header.Get("Authorization") + r.Header.Get("Cookie"))
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `window.libLoaded = true;`)
	}})
	// The third-party script is on "localhost", another host than the
	// page's 127.0.0.1.
	thirdURL := strings.Replace(third.URL, "127.0.0.1", "localhost", 1)
	srv := site(t, map[string]http.HandlerFunc{"/": func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		if err != nil || c.Value != "s-42" || r.Header.Get("X-Api-Key") != "k-7" {
			http.Error(w, "members only", http.StatusForbidden)
			return
		}
		html(`<ul id="news"><li>Members' news</li></ul><script src="`+thirdURL+`/lib.js"></script>`)(w, r)
	}})
	b := newBrowser(t, Options{AllowPrivate: true})
	p := Page{URL: srv.URL + "/", Cookies: map[string]string{"session": "s-42"}, Headers: map[string]string{"X-Api-Key": "k-7"}, WaitFor: "#news li"}
	res, err := render(t, b, p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "Members' news") {
		t.Errorf("html:\n%s", res.HTML)
	}
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`true`))
	if err != nil || !ok {
		t.Fatalf("browser context: %v", err)
	}
	if got := thirdPartyAuth.Load().(string); got != "" {
		t.Errorf("a third-party host received the page's credentials: %q", got)
	}

	// Without the cookie: the site's 403, as the HTTP client reports it;
	// and the cookie did not stay in a shared jar.
	_, err = render(t, b, Page{URL: srv.URL + "/", Headers: map[string]string{"X-Api-Key": "k-7"}})
	var he *sources.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
		t.Errorf("err = %v, want a 403 HTTPError", err)
	}
}

func TestRenderRefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int64
	internal := site(t, map[string]http.HandlerFunc{"/secret": func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "internal")
	}})
	internalURL := strings.Replace(internal.URL, "127.0.0.1", "localhost", 1)
	srv := site(t, map[string]http.HandlerFunc{"/": html(`<p id="done">page</p><img src="` + internalURL + `/secret"><script>fetch("` + internalURL + `/secret").catch(function(){})</script>`)})
	b := newBrowser(t, Options{})
	res, err := render(t, b, Page{URL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "page") {
		t.Errorf("html:\n%s", res.HTML)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the page reached a private address %d times", n)
	}
}

func TestRenderHTTPErrorAndBadURL(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{"/gone": func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}})
	b := newBrowser(t, Options{})
	_, err := render(t, b, Page{URL: srv.URL + "/gone?token=abc"})
	var he *sources.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 || strings.Contains(err.Error(), "abc") {
		t.Errorf("err = %v", err)
	}
	if _, err := render(t, b, Page{URL: "file:///etc/passwd"}); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("file URL: %v", err)
	}
}

func TestRenderRestartsACrashedBrowser(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{"/": html(`<p id="x">ok</p>`)})
	b := newBrowser(t, Options{})
	if _, err := render(t, b, Page{URL: srv.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	proc := chromedp.FromContext(b.ctx).Browser.Process()
	bctx := b.ctx
	b.mu.Unlock()
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	<-bctx.Done() // chromedp notices the lost connection
	res, err := render(t, b, Page{URL: srv.URL + "/", WaitFor: "#x"})
	if err != nil {
		t.Fatalf("after a crash: %v", err)
	}
	if !strings.Contains(string(res.HTML), "ok") || b.Starts() != 2 {
		t.Errorf("starts = %d", b.Starts())
	}
}

func TestRenderBoundsTabs(t *testing.T) {
	var (
		mu             sync.Mutex
		inFlight, most int
	)
	srv := site(t, map[string]http.HandlerFunc{"/": func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" { // a favicon is not a page
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		html(`<p id="x">ok</p>`)(w, r)
	}})
	b := newBrowser(t, Options{Tabs: 1})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			_, err := b.Render(context.Background(), Page{URL: srv.URL + "/", Timeout: 20 * time.Second})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if most != 1 {
		t.Errorf("%d pages loaded at once with Tabs: 1", most)
	}
	assertNoTabsLeft(t, b)
}

func TestRenderCancelledFetch(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{})
	b := newBrowser(t, Options{})
	if _, err := render(t, b, Page{URL: srv.URL + "/nothing"}); err == nil {
		t.Fatal("want a 404") // also starts the browser
	}
	// Cancelled while the tab opens, while it navigates, while it waits:
	// no tab is left behind.
	for _, after := range []time.Duration{0, 5 * time.Millisecond, 30 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(after, cancel)
		_, err := b.Render(ctx, Page{URL: srv.URL + "/hang", Timeout: 20 * time.Second})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled after %s: err = %v, want cancelled", after, err)
		}
		assertNoTabsLeft(t, b)
	}
}

// assertNoTabsLeft checks that only the browser's first blank tab is open.
func assertNoTabsLeft(t *testing.T, b *Browser) {
	t.Helper()
	n, err := b.OpenTabs()
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || b.PID() == 0 {
		t.Errorf("%d tabs open (browser pid %d), want only the first blank one", n, b.PID())
	}
}

func TestNoBrowser(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := Find(""); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("Find on an empty PATH: %v", err)
	}
	for _, path := range []string{"", "/nonexistent/chromium"} {
		b := New(Options{Path: path})
		_, err := b.Render(context.Background(), Page{URL: "http://127.0.0.1:1/"})
		if !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "apt-get install chromium") {
			t.Errorf("path %q: err = %v", path, err)
		}
		_ = b.Close()
	}
}

func TestReconfigure(t *testing.T) {
	srv := site(t, map[string]http.HandlerFunc{"/": html(`<p id="x">ok</p>`)})
	b := newBrowser(t, Options{Tabs: 3})
	if _, err := render(t, b, Page{URL: srv.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	path, err := Find("")
	if err != nil {
		t.Fatal(err)
	}
	// The same settings: nothing restarts.
	b.Reconfigure(Options{Tabs: 3})
	if _, err := render(t, b, Page{URL: srv.URL + "/"}); err != nil || b.Starts() != 1 {
		t.Fatalf("starts %d, err %v", b.Starts(), err)
	}
	// A new binary path and tab bound: the next render starts a new
	// process, with the new bound.
	b.Reconfigure(Options{Path: path, Tabs: 1})
	if _, err := render(t, b, Page{URL: srv.URL + "/"}); err != nil || b.Starts() != 2 {
		t.Fatalf("starts %d, err %v", b.Starts(), err)
	}
	b.mu.Lock()
	tabs := cap(b.tabs)
	b.mu.Unlock()
	if tabs != 1 {
		t.Errorf("tab bound %d, want 1", tabs)
	}
	assertNoTabsLeft(t, b)
}
