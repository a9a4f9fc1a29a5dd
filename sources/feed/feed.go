// Package feed implements the feed source: RSS 0.9x/1.0/2.0, Atom 0.3/1.0
// and JSON Feed 1.0/1.1 fetched over HTTP with a conditional GET, parsed by
// gofeed and normalised into sources.Item.
package feed

import (
	"context"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// Options configures a Source.
type Options struct {
	// URL is the feed's address.
	URL string
	// Client fetches the feed. Nil: a client with default options.
	Client *sources.Client
	// Now returns the current time. Nil: time.Now.
	Now func() time.Time
}

// Source fetches one feed. It is safe for concurrent use.
type Source struct {
	url    string
	client *sources.Client
	now    func() time.Time
}

var _ sources.Source = (*Source)(nil)

// New returns a Source for opts.URL.
func New(opts Options) *Source {
	s := &Source{url: opts.URL, client: opts.Client, now: opts.Now}
	if s.client == nil {
		s.client = sources.NewClient(sources.ClientOptions{Now: opts.Now})
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Fetch downloads the feed, sending the validators in req, and returns its
// items. A 304 yields a Result with NotModified set and the validators kept.
// Result.NotBefore is the later of the response's cache hints and the feed's
// own ttl.
func (s *Source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	// The client's errors already name the URL, redacted.
	resp, res, err := s.client.Fetch(ctx, s.url, req)
	if err != nil || res.NotModified {
		return res, err
	}
	now := s.now()
	p, err := parse(ctx, resp.Body, resp.Header.Get("Content-Type"), resp.URL, now)
	if err != nil {
		return nil, err // Parse names the URL, redacted
	}
	res.Items = p.Items
	res.Warnings = append(res.Warnings, p.Warnings...)
	if p.TTL > 0 {
		if t := now.Add(p.TTL); t.After(res.NotBefore) {
			res.NotBefore = t
		}
	}
	return res, nil
}
