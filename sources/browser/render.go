package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/tributaryfeeds/tributary/sources"
)

const (
	// DefaultTimeout bounds a page when neither Page.Timeout nor the
	// context sets a deadline: the same default as a fetch (config's
	// compiled default), so one rule decides how long a source may take.
	DefaultTimeout = sources.DefaultTimeout
	// pollEvery is how often the page is asked whether it is ready.
	pollEvery = 100 * time.Millisecond
	// loadShare: without wait_for, a page that has not finished loading
	// after this share of its time is read as it is (a hanging image or
	// analytics script must not lose the listing).
	loadShare = 2
	// openTimeout bounds opening and disposing of a tab's browser context.
	openTimeout = 10 * time.Second
	// lookupTimeout bounds one DNS lookup of the private-address guard.
	lookupTimeout = 5 * time.Second
)

// Credentials are HTTP basic-auth credentials.
type Credentials struct {
	Username string
	Password string
}

// Page says what to render and how.
type Page struct {
	URL string
	// WaitFor is a CSS selector (or "xpath:EXPR") to wait for before the
	// DOM is read; empty waits for the page's load event.
	WaitFor string
	// Timeout bounds the whole page, tab creation to HTML; the context's
	// deadline applies too. Zero: DefaultTimeout.
	Timeout time.Duration
	// Headers, Cookies and BasicAuth are sent to the page's own host only
	// (never to third-party resources); Proxy carries all of the page's
	// traffic.
	Headers   map[string]string
	Cookies   map[string]string
	BasicAuth *Credentials
	Proxy     string
	// ProxyAuth answers the proxy's authentication challenge.
	ProxyAuth *Credentials
	// Site is the host the operator configured (the source's URL): it may
	// be private. Empty: the page's own host.
	Site string
}

// Result is a rendered page.
type Result struct {
	// URL is the document's final URL, after redirects and script
	// navigation.
	URL string
	// HTML is the serialized DOM after scripts ran.
	HTML []byte
	// StatusCode is the status of the main document's response.
	StatusCode int
	// Warning is set when the page was read before it finished loading.
	Warning string
}

// Render loads p.URL in a new tab and returns the DOM after scripts ran.
// The tab is closed before Render returns, whatever happened; a page that
// does not answer is abandoned at the deadline. Errors name the URL,
// redacted, and never contain the configured credentials.
func (b *Browser) Render(ctx context.Context, p Page) (*Result, error) {
	where := sources.Redact(p.URL)
	res, err := b.render(ctx, p)
	if err != nil {
		var he *sources.HTTPError
		if errors.As(err, &he) || errors.Is(err, ErrNoBrowser) {
			return nil, err
		}
		return nil, fmt.Errorf("render %s: %w", where, err)
	}
	return res, nil
}

func (b *Browser) render(ctx context.Context, p Page) (*Result, error) {
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("not an http(s) URL")
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	b.mu.Lock()
	tabs, opts := b.tabs, b.opts
	b.mu.Unlock()
	// A tab slot, waited for within the page's time.
	select {
	case tabs <- struct{}{}:
		defer func() { <-tabs }()
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a browser tab: %w", ctx.Err())
	}
	bctx, err := b.browser()
	if err != nil {
		return nil, err
	}
	tabCtx, closeTab, err := b.openTab(bctx, p.Proxy)
	if err != nil {
		return nil, err
	}
	defer closeTab()
	// actx bounds every step; the fetch's own cancellation ends it too.
	actx, cancel := context.WithDeadline(tabCtx, deadline)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()

	r := &renderer{opts: opts, p: p, page: u, site: hostOf(p.Site, u)}
	res, err := r.run(actx)
	if err != nil && actx.Err() != nil {
		switch {
		case ctx.Err() != nil:
			err = ctx.Err()
		case errors.Is(actx.Err(), context.DeadlineExceeded):
			err = fmt.Errorf("page not ready within %s (tab closed): %w", timeout.Round(time.Millisecond), context.DeadlineExceeded)
		case bctx.Err() != nil:
			err = errors.New("the browser exited; it is started again on the next fetch")
		}
	}
	return res, err
}

// openTab creates a tab in a fresh browser context (its own cookie jar and
// proxy) and returns its chromedp context. Both are created here, under a
// short timeout of their own rather than the fetch's, and the returned
// close disposes of the browser context whatever happened: that closes the
// tab and any window the page opened, even when a cancelled fetch left
// chromedp without a handle on them.
func (b *Browser) openTab(bctx context.Context, proxy string) (context.Context, func(), error) {
	br := chromedp.FromContext(bctx).Browser
	octx, cancel := context.WithTimeout(bctx, openTimeout)
	defer cancel()
	bc, err := cdp.Call(octx, br, target.CreateBrowserContext, target.CreateBrowserContextParams{ProxyServer: proxy})
	if err != nil {
		return nil, nil, fmt.Errorf("open tab: %w", err)
	}
	dispose := func() {
		dctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		_, _ = cdp.Call(dctx, br, target.DisposeBrowserContext, target.DisposeBrowserContextParams{BrowserContextID: bc.BrowserContextID})
	}
	tab, err := cdp.Call(octx, br, target.CreateTarget, target.CreateTargetParams{URL: "about:blank", BrowserContextID: bc.BrowserContextID})
	if err != nil {
		dispose()
		return nil, nil, fmt.Errorf("open tab: %w", err)
	}
	tabCtx, closeTab := chromedp.NewContext(bctx, chromedp.WithTargetID(tab.TargetID))
	return tabCtx, func() {
		closeTab()
		dispose()
	}, nil
}

func hostOf(site string, page *url.URL) string {
	if site != "" {
		if u, err := url.Parse(site); err == nil && u.Hostname() != "" {
			return strings.ToLower(u.Hostname())
		}
	}
	return strings.ToLower(page.Hostname())
}

// renderer is one page being rendered.
type renderer struct {
	opts Options
	p    Page
	page *url.URL
	site string

	mu     sync.Mutex
	status int                   // of the main document
	loaded map[cdp.LoaderID]bool // documents whose load event fired
	loader cdp.LoaderID          // the navigation's document
}

func (r *renderer) run(ctx context.Context) (*Result, error) {
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		return nil, fmt.Errorf("open tab: %w", err)
	}
	t := chromedp.FromContext(ctx).Target
	// Subscriptions start before the navigation so no event is missed.
	go r.dismissDialogs(ctx, t)
	if err := r.intercept(ctx, t); err != nil {
		return nil, err
	}
	if err := chromedp.Listen(ctx, r.watchDocument); err != nil {
		return nil, err
	}
	if err := r.setCookies(ctx, t); err != nil {
		return nil, err
	}
	nav, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: r.p.URL})
	if err != nil {
		return nil, fmt.Errorf("navigate: %w", err)
	}
	if nav.ErrorText != "" {
		return nil, errors.New(nav.ErrorText) // net::ERR_CONNECTION_REFUSED and the like
	}
	r.mu.Lock()
	r.loader = nav.LoaderID
	r.mu.Unlock()
	warning, err := r.wait(ctx)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	status := r.status
	r.mu.Unlock()
	if status >= 400 {
		return nil, &sources.HTTPError{URL: sources.Redact(r.p.URL), StatusCode: status}
	}
	doc, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.URL, document.documentElement ? document.documentElement.outerHTML : ""]`))
	if err != nil {
		return nil, fmt.Errorf("read DOM: %w", err)
	}
	if len(doc) != 2 {
		return nil, errors.New("read DOM: unexpected answer")
	}
	if maxBody := r.opts.MaxBody; maxBody > 0 && int64(len(doc[1])) > maxBody {
		return nil, fmt.Errorf("rendered page of %d bytes exceeds fetch.max_body (%d bytes)", len(doc[1]), maxBody)
	}
	if status == 0 {
		status = http.StatusOK // a document from cache or a script
	}
	return &Result{URL: doc[0], HTML: []byte(doc[1]), StatusCode: status, Warning: warning}, nil
}

// watchDocument records the status of the top frame's document. It runs
// on the tab's reader goroutine, so it only stores.
func (r *renderer) watchDocument(ev any) {
	switch e := ev.(type) {
	case *network.EventResponseReceived:
		if e.Type != network.ResourceTypeDocument || e.Response == nil {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.status == 0 { // the first document is the page; later ones are frames
			r.status = int(e.Response.Status)
		}
	case *page.EventLifecycleEvent:
		// Lifecycle events may arrive before Page.navigate answers with
		// the loader's id, so every loaded document is noted.
		if e.Name == "load" && e.LoaderID != "" {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.loaded == nil {
				r.loaded = map[cdp.LoaderID]bool{}
			}
			r.loaded[e.LoaderID] = true
		}
	}
}

// isLoaded reports whether the navigation's document fired its load event.
func (r *renderer) isLoaded() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loader != "" && r.loaded[r.loader]
}

// dismissDialogs answers every alert, confirm, prompt and beforeunload
// with "cancel": a dialog blocks the page's scripts (and our reads) until
// someone answers it.
func (r *renderer) dismissDialogs(ctx context.Context, t *chromedp.Target) {
	for _, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
		if err != nil {
			return
		}
		_, _ = cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// setCookies puts the configured cookies in the tab's jar, scoped to the
// page's URL (so to its host).
func (r *renderer) setCookies(ctx context.Context, t *chromedp.Target) error {
	if len(r.p.Cookies) == 0 {
		return nil
	}
	cookies := make([]*network.CookieParam, 0, len(r.p.Cookies))
	for name, value := range r.p.Cookies {
		cookies = append(cookies, &network.CookieParam{Name: name, Value: value, URL: r.p.URL})
	}
	if _, err := cdp.Call(ctx, t, network.SetCookies, network.SetCookiesParams{Cookies: cookies}); err != nil {
		return fmt.Errorf("set cookies: %w", err) // never the values
	}
	return nil
}

// intercept pauses every request of the tab to refuse private addresses
// (the guard the HTTP client applies to hops the upstream chose) and to add
// the configured headers and basic auth to requests for the page's own
// host only, so third-party scripts and images never see them.
func (r *renderer) intercept(ctx context.Context, t *chromedp.Target) error {
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	var auth iter.Seq2[fetch.EventAuthRequired, error]
	handleAuth := r.p.BasicAuth != nil || r.p.ProxyAuth != nil
	if handleAuth {
		auth = chromedp.Events(ctx, fetch.AuthRequired)
	}
	if _, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{
		Patterns:           []*fetch.RequestPattern{{URLPattern: "*"}},
		HandleAuthRequests: &handleAuth,
	}); err != nil {
		return fmt.Errorf("intercept requests: %w", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			go r.decide(ctx, t, ev)
		}
	}()
	if auth != nil {
		go func() {
			for ev, err := range auth {
				if err != nil {
					return
				}
				resp := &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseCancelAuth}
				var creds *Credentials
				switch {
				case ev.AuthChallenge != nil && ev.AuthChallenge.Source == fetch.AuthChallengeSourceProxy:
					creds = r.p.ProxyAuth
				case ev.Request != nil && r.ownHost(ev.Request.URL):
					creds = r.p.BasicAuth
				}
				if creds != nil {
					resp = &fetch.AuthChallengeResponse{
						Response: fetch.AuthChallengeResponseResponseProvideCredentials,
						Username: creds.Username, Password: creds.Password,
					}
				}
				_, _ = cdp.Call(ctx, t, fetch.ContinueWithAuth, fetch.ContinueWithAuthParams{RequestID: ev.RequestID, AuthChallengeResponse: resp})
			}
		}()
	}
	return nil
}

// decide lets one paused request go on (with our headers when it is for
// the page's host) or fails it when it would reach a private address.
func (r *renderer) decide(ctx context.Context, t *chromedp.Target, ev fetch.EventRequestPaused) {
	if ev.Request == nil {
		return
	}
	if !r.opts.AllowPrivate && !r.allowed(ctx, ev.Request.URL) {
		_, _ = cdp.Call(ctx, t, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		return
	}
	params := fetch.ContinueRequestParams{RequestID: ev.RequestID}
	if r.ownHost(ev.Request.URL) && (len(r.p.Headers) > 0 || r.p.BasicAuth != nil) {
		params.Headers = r.headers(ev.Request.Headers)
	}
	_, _ = cdp.Call(ctx, t, fetch.ContinueRequest, params)
}

// headers merges the configured headers into a request's own.
func (r *renderer) headers(orig network.Headers) []*fetch.HeaderEntry {
	out := make([]*fetch.HeaderEntry, 0, len(orig)+len(r.p.Headers)+1)
	for name, v := range orig {
		if _, ours := lookupFold(r.p.Headers, name); ours {
			continue
		}
		if s, ok := v.(string); ok {
			out = append(out, &fetch.HeaderEntry{Name: name, Value: s})
		}
	}
	for name, value := range r.p.Headers {
		out = append(out, &fetch.HeaderEntry{Name: name, Value: value})
	}
	if a := r.p.BasicAuth; a != nil {
		// Sent up front, as the HTTP client does, so a site that never
		// challenges (a login wall answering 200) still gets it.
		out = append(out, &fetch.HeaderEntry{Name: "Authorization", Value: "Basic " +
			base64.StdEncoding.EncodeToString([]byte(a.Username+":"+a.Password))})
	}
	return out
}

func lookupFold(m map[string]string, key string) (string, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// ownHost reports whether rawURL is on the page's host.
func (r *renderer) ownHost(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && strings.EqualFold(u.Hostname(), r.page.Hostname())
}

// allowed reports whether a request may go out: to the configured site's
// host always, elsewhere only to public addresses. The browser resolves
// names again itself, so this is a guard against pages that point at
// internal hosts, not against DNS rebinding.
func (r *renderer) allowed(ctx context.Context, rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return true // data:, blob: and the like never leave the browser
	}
	host := strings.ToLower(u.Hostname())
	if host == r.site {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return sources.Public(a.Unmap())
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(lctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !sources.Public(a.Unmap()) {
			return false
		}
	}
	return true
}

// wait returns once the page is ready: wait_for matches, or (without
// wait_for) the document has loaded. Without wait_for, a page still loading
// at half its time is read as it is, with a warning.
func (r *renderer) wait(ctx context.Context) (warning string, err error) {
	var loadBy time.Time
	if d, ok := ctx.Deadline(); ok && r.p.WaitFor == "" {
		loadBy = time.Now().Add(time.Until(d) / loadShare)
	}
	what := "the load event"
	if r.p.WaitFor != "" {
		what = fmt.Sprintf("wait_for %q", r.p.WaitFor)
	}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if r.p.WaitFor == "" {
			if r.isLoaded() {
				return "", nil
			}
		} else {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](matchExpr(r.p.WaitFor)))
			var ee *chromedp.ExceptionError
			switch {
			case errors.As(err, &ee):
				return "", fmt.Errorf("%s: %w", what, err) // a selector the page cannot evaluate
			case err != nil && ctx.Err() == nil:
				// The document is being replaced (a redirect by
				// script): ask again on the next tick.
			case err != nil:
				return "", fmt.Errorf("waiting for %s: %w", what, err)
			case ok:
				return "", nil
			}
		}
		if !loadBy.IsZero() && time.Now().After(loadBy) {
			return fmt.Sprintf("render %s: page still loading; read as it was", sources.Redact(r.p.URL)), nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// matchExpr is a script that reports whether sel matches: a CSS selector,
// or an XPath after "xpath:". The selector travels as a JSON string, never
// as code.
func matchExpr(sel string) string {
	if xp, ok := strings.CutPrefix(sel, "xpath:"); ok {
		q, _ := json.Marshal(xp)
		return `document.evaluate(` + string(q) + `, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue !== null`
	}
	q, _ := json.Marshal(sel)
	return `document.querySelector(` + string(q) + `) !== null`
}
