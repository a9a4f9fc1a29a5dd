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

func newWindow(cfg *config.Config, f *config.Feed) (*window, error) {
	flt, err := compileFilter(f.Include, f.Exclude)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", f.Slug, err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &window{
		sources: cfg.FeedSources(f),
		filter:  flt,
		limit:   limit,
		maxAge:  time.Duration(f.MaxAge),
	}, nil
}

// Build selects the items of feed f from the store: its sources' items,
// newest first, filtered, deduplicated and cut to the feed's limit.
func Build(ctx context.Context, st store.Store, cfg *config.Config, f *config.Feed, now time.Time) ([]sources.Item, error) {
	w, err := newWindow(cfg, f)
	if err != nil {
		return nil, err
	}
	return w.build(ctx, st, now)
}

// build pages through the store so that filters never starve the limit and
// the whole store is never loaded at once.
func (w *window) build(ctx context.Context, st store.Store, now time.Time) ([]sources.Item, error) {
	if len(w.sources) == 0 {
		return nil, nil
	}
	q := store.Query{Sources: w.sources, Limit: w.pageSize()}
	if w.maxAge > 0 {
		q.Since = now.Add(-w.maxAge)
	}
	d := newDeduper(w.limit)
	out := make([]sources.Item, 0, w.limit)
	for len(out) < w.limit {
		page, err := st.Items(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("select items of %v: %w", w.sources, err)
		}
		for i := range page {
			it := &page[i]
			// Filter first: an excluded copy must not mark its id or link
			// seen and so hide an included copy from another source.
			if !w.filter.keep(it) || d.seen(it) {
				continue
			}
			out = append(out, *it)
			if len(out) == w.limit {
				break
			}
		}
		if len(page) < q.Limit {
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

// deduper remembers the IDs and canonical links already kept; the first
// copy (the newest, in store order) wins.
type deduper struct {
	ids   map[string]struct{}
	links map[string]struct{}
}

func newDeduper(n int) *deduper {
	return &deduper{ids: make(map[string]struct{}, n), links: make(map[string]struct{}, n)}
}

// seen reports whether the item duplicates an earlier one, and remembers it.
func (d *deduper) seen(it *sources.Item) bool {
	var link string
	if it.Link != "" {
		link = canonicalLink(it.Link)
	}
	_, dupID := d.ids[it.ID]
	_, dupLink := d.links[link]
	if it.ID != "" && dupID || link != "" && dupLink {
		return true
	}
	if it.ID != "" {
		d.ids[it.ID] = struct{}{}
	}
	if link != "" {
		d.links[link] = struct{}{}
	}
	return false
}
