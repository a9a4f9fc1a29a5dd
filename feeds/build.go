package feeds

import (
	"context"
	"fmt"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// DefaultLimit is the number of items in a feed whose limit is not set.
const DefaultLimit = config.DefaultLimit

// window is what a feed selects from the store, resolved from its config.
type window struct {
	sources []string
	filter  *filter
	limit   int
	maxAge  time.Duration
}

func newWindow(f *config.Feed) (*window, error) {
	c := f.Compiled
	if c == nil {
		return nil, fmt.Errorf("feed %s: not compiled", f.Slug)
	}
	return &window{sources: c.Sources, filter: newFilter(c), limit: c.Limit, maxAge: c.MaxAge}, nil
}

// Build selects the items of feed f from the store: its sources' items,
// newest first, filtered, deduplicated and cut to the feed's limit.
func Build(ctx context.Context, st store.Store, cfg *config.Config, f *config.Feed, now time.Time) ([]sources.Item, error) {
	w, err := newWindow(f)
	if err != nil {
		return nil, err
	}
	return w.build(ctx, st, now)
}

// build pages through the store so that filters never starve the limit and
// the whole store is never loaded at once. Deduplication needs to know
// whether a link is shared by several items of one source (see dedupe), so
// it runs over every candidate read so far after each page.
func (w *window) build(ctx context.Context, st store.Store, now time.Time) ([]sources.Item, error) {
	if len(w.sources) == 0 {
		return nil, nil
	}
	q := store.Query{Sources: w.sources, Limit: w.pageSize()}
	if w.maxAge > 0 {
		q.Since = now.Add(-w.maxAge)
	}
	var cands []sources.Item
	var out []sources.Item
	for {
		page, err := st.Items(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("select items of %v: %w", w.sources, err)
		}
		for i := range page {
			// Filter first: an excluded copy must not mark its id or link
			// seen and so hide an included copy from another source.
			if w.filter.keep(&page[i]) {
				cands = append(cands, page[i])
			}
		}
		out = dedupe(cands, w.limit)
		if len(out) == w.limit || len(page) < q.Limit {
			break
		}
		last := &page[len(page)-1]
		q.Before, q.BeforeKey = last.Date(), last.Source+"\x00"+last.ID
	}
	return out, nil
}

// pageSize asks for a little more than the limit when filters will drop
// some items, so that most feeds need one query.
func (w *window) pageSize() int {
	if w.filter.empty() {
		return w.limit + w.limit/4 + 1 // room for duplicates
	}
	return w.limit * 2
}
