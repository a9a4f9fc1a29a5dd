// Package fulltext wraps a source so that each new item's teaser is replaced
// by the article body fetched from the item's link.
package fulltext

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// Defaults used when an Options field is zero.
const (
	DefaultConcurrency = 2
	// cacheEntries and cacheBytes bound the per-source cache of bodies.
	cacheEntries = 1000
	cacheBytes   = 8 << 20
	// retryEntries bounds the ids remembered for a retry.
	retryEntries = 1000
	// pageReserve: the page phase ends timeout/pageReserve before the
	// fetch's deadline, leaving time to return the listing.
	pageReserve = 10
)

// Options configures Wrap.
type Options struct {
	// Client fetches the article pages.
	Client *sources.Client
	// Selector is the compiled CSS selector for the article body
	// (config.Source.Compiled.Content); nil uses readability extraction.
	Selector *config.Selector
	// Logger receives a summary of each fetch. Nil discards.
	Logger *slog.Logger
	// Concurrency is how many pages of one source are fetched at once.
	// Zero: DefaultConcurrency.
	Concurrency int
	// Now returns the current time, which bounds dates read from pages.
	// Nil: time.Now.
	Now func() time.Time
	// Site is the source's configured URL: pages on its host may be at a
	// private address, any other page must be public (see
	// sources.Client.GetPage).
	Site string
	// Render, when set, loads the pages in a browser instead of Client
	// (render: browser). Client still sets the time one page may take.
	Render sources.Renderer
}

type source struct {
	src    sources.Source
	client *sources.Client
	ext    *extractor
	log    *slog.Logger
	conc   int
	cache  *cache
	retry  *retrySet
	now    func() time.Time
	site   string
	render sources.Renderer
}

// Wrap returns a Source that fetches src and then, for each item with a link
// that is not yet known (req.Known is nil or reports false), fetches the
// item's page once and sets Item.Content to the extracted article body; an
// item without a date or without authors takes them from the page's
// metadata. Known items get an empty Content, which the store reads as "keep what is
// stored", so their pages are not fetched again. A page that fails keeps
// the item's teaser and adds a warning; it never fails the fetch, and it is
// tried again on later fetches. When the fetch's deadline nears, pages not
// yet started are skipped (one warning counts them) and also retried later.
func Wrap(src sources.Source, opts Options) (sources.Source, error) {
	if src == nil {
		return nil, errors.New("full text: nil source")
	}
	if opts.Client == nil {
		return nil, errors.New("full text: client is required")
	}
	ext := newExtractor(opts.Selector)
	s := &source{
		src:    src,
		client: opts.Client,
		ext:    ext,
		log:    opts.Logger,
		conc:   opts.Concurrency,
		cache:  newCache(cacheEntries, cacheBytes),
		retry:  newRetrySet(retryEntries),
		now:    opts.Now,
		site:   opts.Site,
		render: opts.Render,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.conc <= 0 {
		s.conc = DefaultConcurrency
	}
	return s, nil
}

// Fetch implements sources.Source.
func (s *source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	res, err := s.src.Fetch(ctx, req)
	if err != nil || res == nil || res.NotModified {
		return res, err
	}
	// Pages of items that will not be stored are not worth fetching.
	sources.KeepNewest(res, req.Keep)
	todo := s.plan(ctx, req, res.Items)
	pctx, cancel := s.pageContext(ctx)
	defer cancel()
	warns, skipped := s.fetchPages(pctx, todo, res.Items)
	// A cancelled fetch (source removed, daemon stopping) ends here. A
	// deadline that passed while the last pages wound down (the page
	// phase ends only timeout/pageReserve before it) does not: the
	// listing is complete, and the caller stores it under its own context.
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("full text: %w", err)
	}
	failed := 0
	for _, w := range warns {
		if w != "" {
			res.Warnings = append(res.Warnings, w)
			failed++
		}
	}
	if skipped > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("full text: %d pages not fetched: deadline", skipped))
	}
	s.log.Debug("full text", "items", len(res.Items), "fetched", todo.len()-failed-skipped,
		"failed", failed, "skipped", skipped)
	return res, nil
}

// pageContext bounds the page phase so that it ends a little before ctx
// does: the listing already fetched must still be returned (and stored)
// when an article host is slow.
func (s *source) pageContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, deadline.Add(-s.client.Timeout()/pageReserve))
}

// fetchPages fetches the queued pages into items. A page starts only while
// a whole client timeout fits before ctx's deadline, so no fetch is cut
// short; the others are counted as skipped. Failed and skipped items are
// remembered for a retry on the next fetch.
func (s *source) fetchPages(ctx context.Context, todo work, items []sources.Item) (warns []string, skipped int) {
	warns = make([]string, todo.len())
	var (
		g      errgroup.Group
		mu     sync.Mutex
		nSkips int
	)
	g.SetLimit(s.conc)
	for i, link := range todo.links {
		if ctx.Err() != nil {
			// Pages started before may be counting their own skips.
			mu.Lock()
			nSkips += todo.len() - i
			mu.Unlock()
			for _, l := range todo.links[i:] {
				s.markRetry(items, todo.items[l], true)
			}
			break
		}
		g.Go(func() error {
			ids := todo.items[link]
			if !s.fits(ctx) {
				mu.Lock()
				nSkips++
				mu.Unlock()
				s.markRetry(items, ids, true)
				return nil
			}
			p, err := s.page(ctx, link, items[ids[0]].Title)
			if err != nil {
				warns[i] = "full text: " + err.Error()
				s.markRetry(items, ids, true)
				return nil
			}
			s.cache.put(link, p)
			for _, j := range ids {
				fill(&items[j], p, true)
			}
			s.markRetry(items, ids, false)
			return nil
		})
	}
	_ = g.Wait() // the jobs report through warns, never an error
	return warns, nSkips
}

// fits reports whether one page fetch, bounded by the client timeout, ends
// before ctx's deadline.
func (s *source) fits(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) >= s.client.Timeout()
}

// markRetry adds the items at idx to the retry set, or removes them.
func (s *source) markRetry(items []sources.Item, idx []int, retry bool) {
	for _, j := range idx {
		if retry {
			s.retry.add(items[j].ID)
		} else {
			s.retry.remove(items[j].ID)
		}
	}
}

// work lists the pages to fetch: each link once, with the indexes of the
// items that point at it.
type work struct {
	links []string
	items map[string][]int
}

func (w work) len() int { return len(w.links) }

// plan decides each item's fate: known items get empty Content (unless
// their page failed before: they keep the teaser and are queued again),
// cached links get their body, the rest are queued.
func (s *source) plan(ctx context.Context, req sources.Request, items []sources.Item) work {
	w := work{items: map[string][]int{}}
	for i := range items {
		it := &items[i]
		switch {
		case it.Link == "":
		case req.Known != nil && !s.retry.has(it.ID) && req.Known(ctx, it.ID):
			it.Content = ""
			// The date and authors are stored with the item and compared on
			// every fetch: give them again, or the item would flap.
			if p, ok := s.cache.get(it.Link); ok {
				fill(it, p, false)
			}
		default:
			if p, ok := s.cache.get(it.Link); ok {
				fill(it, p, true)
				continue
			}
			if _, queued := w.items[it.Link]; !queued {
				w.links = append(w.links, it.Link)
			}
			w.items[it.Link] = append(w.items[it.Link], i)
		}
	}
	return w
}

// fill sets it's content (when content is set) from p, and its date and
// authors when it has none.
func fill(it *sources.Item, p page, content bool) {
	if content {
		it.Content = p.body
	}
	if it.Published.IsZero() && it.Updated.IsZero() {
		it.Published = p.published
	}
	if len(it.Authors) == 0 && len(p.authors) > 0 {
		it.Authors = append([]sources.Author(nil), p.authors...)
	}
}

// get loads one page, with the client or the browser.
func (s *source) get(ctx context.Context, link string) (*sources.Response, error) {
	if s.render == nil {
		return s.client.GetPage(ctx, link, s.site)
	}
	resp, _, err := s.render(ctx, link) // a page read before it loaded is still worth extracting
	return resp, err
}

// page fetches link and extracts its article. Errors name the link once.
func (s *source) page(ctx context.Context, link, title string) (page, error) {
	resp, err := s.get(ctx, link)
	if err != nil {
		return page{}, err // the client's and the renderer's errors name the URL
	}
	where := sources.Redact(link)
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "text/html" && mt != "application/xhtml+xml" {
			return page{}, fmt.Errorf("%s: not an HTML page (%s)", where, ct)
		}
	}
	raw, err := resp.UTF8()
	if err != nil {
		return page{}, err // names the URL
	}
	p, err := s.ext.extract(ctx, raw, resp.URL, title, s.now())
	if err != nil && !strings.Contains(err.Error(), where) { // article.Extract's errors name it
		err = fmt.Errorf("%s: %w", where, err)
	}
	if err != nil {
		return page{}, err
	}
	return p, nil
}
