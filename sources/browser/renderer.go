package browser

import (
	"context"
	"net/http"

	"github.com/tributaryfeeds/tributary/sources"
)

// Renderer returns a sources.Renderer that renders each URL as tmpl says
// (wait_for, timeout, per-source request options), for the html source and
// its full-text pages.
func (b *Browser) Renderer(tmpl Page) sources.Renderer {
	return func(ctx context.Context, url string) (*sources.Response, string, error) {
		p := tmpl
		p.URL = url
		res, err := b.Render(ctx, p)
		if err != nil {
			return nil, "", err
		}
		h := make(http.Header)
		// The DOM is serialized as UTF-8 whatever the page was sent in.
		h.Set("Content-Type", "text/html; charset=utf-8")
		return &sources.Response{URL: res.URL, StatusCode: res.StatusCode, Header: h, Body: res.HTML}, res.Warning, nil
	}
}

// Reconfigure applies new settings (a configuration reload) to a running
// Browser: a new binary or user agent stops the process, so pages in flight
// fail (their sources retry on the next fetch) and the next render starts
// the new one; a new tab bound applies to tabs opened from now on.
func (b *Browser) Reconfigure(opts Options) {
	if opts.Tabs <= 0 {
		opts.Tabs = DefaultTabs
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	restart := opts.Path != b.opts.Path || opts.UserAgent != b.opts.UserAgent
	if opts.Tabs != b.opts.Tabs {
		b.tabs = make(chan struct{}, opts.Tabs)
	}
	b.opts = opts
	if restart && b.ctx != nil {
		b.stopLocked()
	}
}
