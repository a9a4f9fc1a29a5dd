package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/limit"
)

// Defaults used when a ClientOptions field is zero: the configuration's,
// so a client built in code behaves as one built from a file.
const (
	DefaultTimeout   = config.DefaultTimeout
	DefaultMaxBody   = config.DefaultMaxBody
	DefaultUserAgent = config.DefaultUserAgent

	// maxRedirects bounds redirect chains: a feed or an article that
	// moves more than five times is more likely a trap than a page.
	maxRedirects = 5
	// maxNotBefore caps how far ahead an upstream may push its next fetch,
	// so a bogus Expires or Retry-After cannot silence a source for good.
	maxNotBefore = 24 * time.Hour
	// maxErrorBody is how much of an error response is drained so the
	// connection can be reused.
	maxErrorBody = 64 << 10
)

// ErrTooLarge is returned (wrapped) when a response body, after decoding,
// exceeds ClientOptions.MaxBody.
var ErrTooLarge = errors.New("response body too large")

// ClientOptions configures a Client. The zero value is usable.
type ClientOptions struct {
	// Timeout bounds the whole request, body included. Zero: DefaultTimeout.
	Timeout time.Duration
	// UserAgent is sent with every request. Empty: DefaultUserAgent.
	UserAgent string
	// MaxBody caps the body, measured after gzip decoding. Zero: DefaultMaxBody.
	MaxBody int64
	// Transport performs the requests. Nil: a tuned default transport
	// behind the private-address guard (see GetPage). A Transport given here
	// replaces the guard too; it is meant for tests.
	Transport http.RoundTripper
	// AllowPrivate lets item pages and redirects reach loopback, private
	// and link-local addresses (fetch.allow_private). By default only the
	// host an operator configured may be private.
	AllowPrivate bool
	// Now returns the current time. Nil: time.Now.
	Now func() time.Time
	// Hosts bounds the requests in flight to one host (fetch.per_host),
	// shared with the scheduler, which holds a slot for each whole fetch.
	// Nil: no limit.
	Hosts *limit.Hosts
}

// Client is a polite HTTP client shared by the sources: conditional GET,
// a size cap, bounded redirects and upstream back-off hints. It is safe for
// concurrent use.
type Client struct {
	hc        *http.Client
	timeout   time.Duration
	userAgent string
	maxBody   int64
	now       func() time.Time
	hosts     *limit.Hosts
	src       *sourceOptions // a source's own options; see ForSource
}

// NewClient returns a Client configured by opts.
func NewClient(opts ClientOptions) *Client {
	c := &Client{
		timeout:   opts.Timeout,
		userAgent: opts.UserAgent,
		maxBody:   opts.MaxBody,
		now:       opts.Now,
		hosts:     opts.Hosts,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	if c.now == nil {
		c.now = time.Now
	}
	tr := opts.Transport
	if tr == nil {
		tr = newGuard(opts.AllowPrivate)
	}
	c.hc = &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	return c
}

// newTransport is tuned for many hosts with few requests each. control,
// when set, vets each address the dialer connects to; such a transport
// uses no proxy, since then the proxy would be what is vetted (the guard
// handles proxied requests).
func newTransport(control func(network, address string, c syscall.RawConn) error) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: control}
	proxy := http.ProxyFromEnvironment
	if control != nil {
		proxy = nil
	}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		// We ask for gzip ourselves so the size cap applies to decoded bytes.
		DisableCompression: true,
	}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return fmt.Errorf("redirect to unsupported scheme %q", s)
	}
	return nil
}

// Response is a successful (2xx or 304) answer.
type Response struct {
	// URL is the final URL after redirects.
	URL        string
	StatusCode int
	Header     http.Header
	// Body is the decoded body; empty when NotModified.
	Body []byte
	// NotModified is true when the upstream answered 304.
	NotModified bool
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// NotBefore is the earliest next fetch the upstream asks for through
	// Cache-Control max-age or Expires (the later of the two); zero if none.
	NotBefore time.Time
}

// HTTPError reports a response status outside 2xx and 304.
type HTTPError struct {
	// URL is the requested URL, redacted (see Redact): the error text
	// reaches logs and the public status page.
	URL        string
	StatusCode int
	// RetryAfter is the time given by Retry-After on a 429 or 503; zero
	// otherwise.
	RetryAfter time.Time
}

// Error implements error.
func (e *HTTPError) Error() string {
	s := fmt.Sprintf("GET %s: %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if !e.RetryAfter.IsZero() {
		s += " (retry after " + e.RetryAfter.UTC().Format(time.RFC3339) + ")"
	}
	return s
}

// Timeout returns the bound on one request, body included.
func (c *Client) Timeout() time.Duration { return c.timeout }

// HostSlot takes a fetch.per_host slot on rawURL's host, or borrows the
// running fetch's (see limit.Hosts.Acquire), for a page loaded other than
// through Get: a page rendered in a browser counts as one request. The
// returned func releases it.
func (c *Client) HostSlot(ctx context.Context, rawURL string) (func(), error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return func() {}, nil // the renderer reports the bad URL
	}
	release, err := c.hosts.Acquire(ctx, limit.HostKey(u))
	if err != nil {
		return nil, fmt.Errorf("%s: waiting for a slot for %s: %w", Redact(rawURL), u.Host, err)
	}
	return release, nil
}

// MaxBody returns the cap on a body (fetch.max_body), which sources that
// do not fetch over HTTP (a mailbox, a browser) apply to what they read.
func (c *Client) MaxBody() int64 { return c.maxBody }

// NotBefore returns the earliest next-fetch time err asks for (an
// *HTTPError's RetryAfter), or the zero time.
func NotBefore(err error) time.Time {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return time.Time{}
}

// Get fetches url. It sends req.ETag as If-None-Match and req.LastModified
// as If-Modified-Since (when non-empty), the User-Agent and
// Accept-Encoding: gzip, decoding gzip itself so the cap applies to decoded
// bytes. A 304 returns a Response with NotModified set and no body. Other
// non-2xx statuses return an *HTTPError. A body over MaxBody returns an error
// wrapping ErrTooLarge.
//
// url is the operator's choice (a configured source URL): its host may be
// private. Redirects to any other host must reach public addresses, or
// the request fails with ErrPrivateAddress (unless AllowPrivate).
func (c *Client) Get(ctx context.Context, url string, req Request) (*Response, error) {
	resp, err := c.get(withTrustedHost(ctx, urlHost(url)), url, req)
	return resp, c.scrub(err)
}

// GetPage is Get for a URL the upstream chose, such as an item's page:
// it, and every redirect hop, must reach a public address unless its host
// is site's (the source's configured URL) or AllowPrivate is set. A
// refusal is an error wrapping ErrPrivateAddress that says nothing more.
func (c *Client) GetPage(ctx context.Context, link, site string) (*Response, error) {
	resp, err := c.get(withTrustedHost(ctx, urlHost(site)), link, Request{})
	return resp, c.scrub(err)
}

func (c *Client) get(ctx context.Context, url string, req Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", Redact(url), stripURLError(err))
	}
	if s := hreq.URL.Scheme; s != "http" && s != "https" {
		return nil, fmt.Errorf("GET %s: unsupported scheme %q", Redact(url), s)
	}
	c.setHeaders(hreq.Header, req)
	release, err := c.hosts.Acquire(ctx, limit.HostKey(hreq.URL))
	if err != nil {
		return nil, fmt.Errorf("GET %s: waiting for a slot for %s: %w", Redact(url), hreq.URL.Host, err)
	}
	defer release()
	resp, err := c.forRequest(hreq).Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", Redact(url), transportError(err))
	}
	defer resp.Body.Close()
	now := c.now()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return c.notModified(resp, url, req, now), nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil, &HTTPError{URL: Redact(url), StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp, now)}
	}
	body, err := c.readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", Redact(url), err)
	}
	return &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		Header:       resp.Header,
		Body:         body,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		NotBefore:    cacheNotBefore(resp.Header, now),
	}, nil
}

func (c *Client) setHeaders(h http.Header, req Request) {
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept-Encoding", "gzip")
	h.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.9, text/html;q=0.8, */*;q=0.5")
	if req.ETag != "" {
		h.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		h.Set("If-Modified-Since", req.LastModified)
	}
}

// notModified keeps the old validators unless the 304 carries new ones.
func (c *Client) notModified(resp *http.Response, url string, req Request, now time.Time) *Response {
	r := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		Header:       resp.Header,
		NotModified:  true,
		ETag:         req.ETag,
		LastModified: req.LastModified,
		NotBefore:    cacheNotBefore(resp.Header, now),
	}
	if v := resp.Header.Get("ETag"); v != "" {
		r.ETag = v
	}
	if v := resp.Header.Get("Last-Modified"); v != "" {
		r.LastModified = v
	}
	return r
}

func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	gz := isGzip(resp.Header.Get("Content-Encoding"))
	if !gz && resp.ContentLength > c.maxBody {
		return nil, &tooLargeError{limit: c.maxBody, announced: resp.ContentLength}
	}
	var r io.Reader = &capReader{r: resp.Body, left: c.maxBody, limit: c.maxBody}
	if gz {
		// The compressed stream is capped too (above), so endless padding
		// cannot be streamed forever.
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = &capReader{r: zr, left: c.maxBody, limit: c.maxBody}
	}
	body, err := io.ReadAll(r)
	if errors.Is(err, ErrTooLarge) {
		return nil, err // already says what and why
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return body, nil
}

// capReader fails with ErrTooLarge once more than left bytes are read,
// rather than truncating silently.
type capReader struct {
	r     io.Reader
	left  int64
	limit int64 // for the error message
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &tooLargeError{limit: c.limit}
	}
	// Read one byte past the limit to tell "exactly at" from "over".
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, &tooLargeError{limit: c.limit}
	}
	return n, err
}

// tooLargeError names the cap and the setting it comes from, so an operator
// knows what to raise. It matches ErrTooLarge with errors.Is.
type tooLargeError struct {
	limit     int64
	announced int64 // Content-Length, when that is how we know
}

func (e *tooLargeError) Error() string {
	if e.announced > 0 {
		return fmt.Sprintf("body of %s exceeds fetch.max_body (%s)", formatSize(e.announced), formatSize(e.limit))
	}
	return fmt.Sprintf("body exceeds fetch.max_body (%s)", formatSize(e.limit))
}

func (e *tooLargeError) Is(target error) bool { return target == ErrTooLarge }

// formatSize writes n the way the configuration spells sizes: "2 MiB",
// "512 KiB", else in bytes.
func formatSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

func isGzip(enc string) bool {
	enc = strings.ToLower(strings.TrimSpace(enc))
	return enc == "gzip" || enc == "x-gzip"
}

// retryAfter reads Retry-After on the statuses that define it.
func retryAfter(resp *http.Response, now time.Time) time.Time {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return time.Time{}
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return time.Time{}
		}
		return now.Add(cappedSeconds(secs))
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return time.Time{}
	}
	return clampFuture(t, now)
}

// cacheNotBefore is the later of now+max-age and Expires, ignoring past or
// unparsable values and capping far-future ones. no-cache and no-store mean
// the upstream gives no freshness hint.
func cacheNotBefore(h http.Header, now time.Time) time.Time {
	var t time.Time
	maxAge, noCache := parseCacheControl(h.Values("Cache-Control"))
	if noCache {
		return time.Time{}
	}
	if maxAge > 0 {
		t = clampFuture(now.Add(maxAge), now)
	}
	if v := h.Get("Expires"); v != "" {
		if e, err := http.ParseTime(v); err == nil {
			if e = clampFuture(e, now); e.After(t) {
				t = e
			}
		}
	}
	return t
}

func parseCacheControl(values []string) (maxAge time.Duration, noCache bool) {
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-cache", "no-store":
				noCache = true
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
				if err != nil || n <= 0 {
					continue
				}
				maxAge = cappedSeconds(n)
			}
		}
	}
	return maxAge, noCache
}

// cappedSeconds is n seconds, at most maxNotBefore; capping the count
// first keeps a huge header value from overflowing the Duration.
func cappedSeconds(n int64) time.Duration {
	return time.Duration(min(n, int64(maxNotBefore/time.Second))) * time.Second
}

// clampFuture returns t when it lies ahead of now, capped at maxNotBefore;
// the zero time otherwise.
func clampFuture(t, now time.Time) time.Time {
	if !t.After(now) {
		return time.Time{}
	}
	if limit := now.Add(maxNotBefore); t.After(limit) {
		return limit
	}
	return t
}

// UTF8 returns the body converted to UTF-8, using the Content-Type charset,
// else a BOM or an HTML <meta> charset, else a UTF-8 validity check with
// windows-1252 as the fallback. It is meant for HTML pages; XML feeds carry
// their own encoding declaration.
func (r *Response) UTF8() ([]byte, error) {
	ct := ""
	if r.Header != nil {
		ct = r.Header.Get("Content-Type")
	}
	e, name, _ := charset.DetermineEncoding(r.Body, ct)
	if name == "utf-8" {
		return bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")), nil
	}
	out, err := e.NewDecoder().Bytes(r.Body)
	if err != nil {
		return nil, fmt.Errorf("decode %s as %s: %w", Redact(r.URL), name, err)
	}
	return out, nil
}

// NewResult starts the Result of a fetch from its response: the validators,
// the upstream's next-fetch hint and NotModified. The caller adds the items.
func NewResult(resp *Response) *Result {
	return &Result{
		NotModified:  resp.NotModified,
		ETag:         resp.ETag,
		LastModified: resp.LastModified,
		NotBefore:    resp.NotBefore,
		Status:       resp.StatusCode,
	}
}

// Fetch is Get for a source: it also starts the source's Result (see
// NewResult). When err is nil and res.NotModified is set, the source is done.
func (c *Client) Fetch(ctx context.Context, url string, req Request) (resp *Response, res *Result, err error) {
	resp, err = c.Get(ctx, url, req)
	if err != nil {
		return nil, nil, err
	}
	return resp, NewResult(resp), nil
}

// transportError is what a failed round trip may say on the status page:
// a refused private address is only that (no address, no dial error), and
// a malformed response loses the bytes that came instead, which may be
// another service's banner.
func transportError(err error) error {
	switch {
	case errors.Is(err, ErrPrivateAddress):
		return ErrPrivateAddress
	case strings.Contains(err.Error(), "malformed HTTP"):
		return errors.New("malformed HTTP response")
	}
	return stripURLError(err)
}
