// Package html is the source for listing pages that have no feed: items are
// read from the page with CSS selectors ("sel@attr" reads an attribute).
package html

import (
	"context"
	"errors"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// Options configures a Source.
type Options struct {
	// URL is the listing page.
	URL string
	// Select holds the compiled selectors of the items and their fields
	// (config.Source.Compiled.Select).
	Select *config.Selectors
	// Location is the zone of dates written without one; nil means UTC.
	Location *time.Location
	// Client fetches the page.
	Client *sources.Client
	// Render, when set, loads the page in a browser instead (render:
	// browser): no conditional GET, the DOM after scripts ran.
	Render sources.Renderer
	// Now returns the current time, for relative dates. Nil: time.Now.
	Now func() time.Time
	// Next selects the next page's URL; Pages is how many pages one fetch
	// reads (0 or 1: only the first).
	Next  *config.Selector
	Pages int
}

// Source reads the items of one listing page.
type Source struct {
	url    string
	sel    *config.Selectors
	next   *config.Selector
	pages  int
	loc    *time.Location
	client *sources.Client
	render sources.Renderer
	now    func() time.Time
}

var _ sources.Source = (*Source)(nil)

// New returns a Source for opts.
func New(opts Options) (*Source, error) {
	if opts.URL == "" {
		return nil, errors.New("html source: url is required")
	}
	if opts.Client == nil {
		return nil, errors.New("html source: client is required")
	}
	if !usable(opts.Select) {
		return nil, errors.New("html source: select needs item, title and link")
	}
	s := &Source{url: opts.URL, sel: opts.Select, next: opts.Next, pages: max(opts.Pages, 1), loc: opts.Location, client: opts.Client, render: opts.Render, now: opts.Now}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Fetch loads the page with a conditional GET and parses its items, then
// up to pages-1 further pages through next. A 304 yields a Result with
// NotModified set.
func (s *Source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	// The client's and the renderer's errors already name the URL, redacted.
	if s.render != nil {
		return sources.RenderPages(ctx, s.render, s.url, s.pages, s.parse)
	}
	return s.client.FetchPages(ctx, s.url, s.pages, req, s.parse)
}

func (s *Source) parse(resp *sources.Response) (sources.Page, error) {
	page, err := resp.UTF8()
	if err != nil {
		return sources.Page{}, err
	}
	var next *config.Selector
	if s.pages > 1 {
		next = s.next
	}
	return parsePage(s.sel, next, page, resp.URL, s.loc, s.now())
}
