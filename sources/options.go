package sources

import (
	"net/http"
	"net/url"

	"github.com/tributaryfeeds/tributary/config"
)

// sourceOptions are one source's own request options (sources[].http),
// bound to the source's host: they go with requests to that host (its
// pages, its next pages, its full-text pages there) and nowhere else.
type sourceOptions struct {
	host string // normalHost of the source's URL
	opts *config.HTTPOptions
	hc   *http.Client
}

// ForSource returns a Client that adds o's headers, cookies, Basic
// authentication and proxy to the requests it makes to the host of
// siteURL, the source's configured URL. Requests to other hosts are made
// as c makes them, and a redirect to another host drops the options.
// Errors of the returned Client never contain o's secrets. A nil o
// returns c.
func (c *Client) ForSource(siteURL string, o *config.HTTPOptions) *Client {
	if o == nil {
		return c
	}
	cp := *c
	so := &sourceOptions{host: urlHost(siteURL), opts: o}
	tr := c.hc.Transport
	if o.Proxy != nil {
		tr = proxied(tr, o.Proxy)
	}
	so.hc = &http.Client{Transport: tr, CheckRedirect: so.checkRedirect}
	cp.src = so
	return &cp
}

// proxied returns base sending its requests through proxy.
func proxied(base http.RoundTripper, proxy *url.URL) http.RoundTripper {
	switch t := base.(type) {
	case *guard:
		tr := newTransport(nil)
		tr.Proxy = http.ProxyURL(proxy)
		// The proxy connects for us: the guard resolves names itself
		// before it lets an upstream-chosen URL through.
		return &guard{open: tr, strict: tr, allowAll: t.allowAll, proxy: tr.Proxy, lookup: t.lookup}
	case *http.Transport:
		tr := t.Clone()
		tr.Proxy = http.ProxyURL(proxy)
		return tr
	}
	return base
}

// forRequest returns the HTTP client for a request to rawURL and applies
// the source's options to req when rawURL is on the source's host.
func (c *Client) forRequest(req *http.Request) *http.Client {
	so := c.src
	if so == nil || normalHost(req.URL.Hostname()) != so.host {
		return c.hc
	}
	for name, vals := range so.opts.Header {
		req.Header[name] = append([]string(nil), vals...)
	}
	for _, ck := range so.opts.Cookies {
		req.AddCookie(ck)
	}
	if so.opts.HasAuth {
		req.SetBasicAuth(so.opts.Username, so.opts.Password)
	}
	return so.hc
}

// checkRedirect is the client's redirect check, and drops the source's
// options from a hop to another host: a secret meant for one API must not
// follow its redirect to a CDN.
func (so *sourceOptions) checkRedirect(req *http.Request, via []*http.Request) error {
	if err := checkRedirect(req, via); err != nil {
		return err
	}
	if normalHost(req.URL.Hostname()) != so.host {
		for name := range so.opts.Header {
			req.Header.Del(name)
		}
		req.Header.Del("Cookie")
		req.Header.Del("Authorization")
	}
	return nil
}

// scrub returns err with the source's secrets replaced, keeping what it
// wraps for errors.Is and errors.As.
func (c *Client) scrub(err error) error {
	if err == nil || c.src == nil {
		return err
	}
	msg := err.Error()
	if clean := c.src.opts.Redact(msg); clean != msg {
		return &scrubbed{msg: clean, err: err}
	}
	return err
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
