package sources

import (
	"context"
	"fmt"
)

// Page is what one page of a paginated listing gave.
type Page struct {
	// URL is the page's final URL.
	URL      string
	Items    []Item
	Warnings []string
	// Matches counts what each selector found on the page.
	Matches []Match
	// Next is the absolute URL of the next page; empty when there is none.
	Next string
}

// PageMatches is one page's selector counts, for tributary fetch.
type PageMatches struct {
	URL     string  `json:"url"`
	Items   int     `json:"items"`
	Matches []Match `json:"matches"`
}

// PageError is a page whose selectors failed: Page holds what each one
// matched, so an operator sees which broke.
type PageError struct {
	Page PageMatches
	Err  error
}

func (e *PageError) Error() string { return e.Err.Error() }
func (e *PageError) Unwrap() error { return e.Err }

// ParsePage parses one fetched page of a listing. On an error about
// selectors it returns the page's Matches with the error.
type ParsePage func(resp *Response) (Page, error)

// FetchPages reads up to pages pages of a listing, starting at url with a
// conditional GET (a 304 ends the fetch: nothing changed), then following
// each page's Next. A page that links to one already read ends the walk.
// A later page that fails keeps the items of the earlier ones and adds a
// warning; only a failing first page fails the fetch. Items repeated on a
// later page (a listing that shifted while it was read) are kept once. The
// next pages are upstream-chosen URLs: they must be on the source's host or
// a public address (see GetPage).
func (c *Client) FetchPages(ctx context.Context, url string, pages int, req Request, parse ParsePage) (*Result, error) {
	resp, res, err := c.Fetch(ctx, url, req)
	if err != nil || res.NotModified {
		return res, err
	}
	return walkPages(ctx, resp, res, url, pages, parse, func(ctx context.Context, link string) (*Response, error) {
		return c.GetPage(ctx, link, url)
	})
}

// RenderPages is FetchPages for a listing read in a browser (render:
// browser): every page is rendered, none conditionally, and each page read
// before it finished loading adds the renderer's warning. The renderer
// applies the private-address rule to the next pages itself.
func RenderPages(ctx context.Context, render Renderer, url string, pages int, parse ParsePage) (*Result, error) {
	var warns []string // pages are read one after the other
	get := func(ctx context.Context, link string) (*Response, error) {
		resp, w, err := render(ctx, link)
		if w != "" {
			warns = append(warns, w)
		}
		return resp, err
	}
	resp, err := get(ctx, url)
	if err != nil {
		return nil, err
	}
	res, err := walkPages(ctx, resp, &Result{}, url, pages, parse, get)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, warns...)
	return res, nil
}

// walkPages parses the first page's resp into res, then follows Next
// through get, as FetchPages describes.
func walkPages(ctx context.Context, resp *Response, res *Result, url string, pages int, parse ParsePage,
	get func(ctx context.Context, link string) (*Response, error)) (*Result, error) {
	first, err := parse(resp)
	if err != nil {
		if first.Matches != nil {
			return nil, &PageError{Page: PageMatches{URL: Redact(resp.URL), Matches: first.Matches}, Err: err}
		}
		return nil, err
	}
	seenPage := map[string]bool{url: true, resp.URL: true}
	seenItem := make(map[string]bool)
	add := func(n int, pg Page) {
		for _, it := range pg.Items {
			if it.ID != "" && seenItem[it.ID] {
				continue
			}
			seenItem[it.ID] = true
			res.Items = append(res.Items, it)
		}
		for _, w := range pg.Warnings {
			if n > 1 {
				w = fmt.Sprintf("page %d: %s", n, w)
			}
			res.Warnings = append(res.Warnings, w)
		}
		res.Pages = append(res.Pages, PageMatches{URL: Redact(pg.URL), Items: len(pg.Items), Matches: pg.Matches})
		res.Matches = addMatches(res.Matches, pg.Matches)
	}
	add(1, first)
	next := first.Next
	for n := 2; n <= pages && next != ""; n++ {
		if seenPage[next] {
			break // a loop: every page it leads to was read
		}
		seenPage[next] = true
		pg, err := nextPage(ctx, next, get, parse)
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("page %d: %v; kept the items of pages 1 to %d", n, err, n-1))
			if pg.Matches != nil {
				res.Pages = append(res.Pages, PageMatches{URL: Redact(pg.URL), Matches: pg.Matches})
			}
			break
		}
		seenPage[pg.URL] = true
		add(n, pg)
		next = pg.Next
	}
	return res, nil
}

func nextPage(ctx context.Context, link string, get func(ctx context.Context, link string) (*Response, error), parse ParsePage) (Page, error) {
	resp, err := get(ctx, link)
	if err != nil {
		return Page{}, err
	}
	return parse(resp)
}

// addMatches sums the counts of b into a, selector by selector, keeping
// a's order and appending selectors a lacks.
func addMatches(a, b []Match) []Match {
	for _, m := range b {
		found := false
		for i := range a {
			if a[i].Selector == m.Selector {
				a[i].Count += m.Count
				found = true
				break
			}
		}
		if !found {
			a = append(a, m)
		}
	}
	return a
}
