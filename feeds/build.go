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
	ranks   map[string]int // source -> preference among duplicates, 0 first
	near    float64        // near_duplicates; 0: off
}

func newWindow(f *config.Feed) (*window, error) {
	c := f.Compiled
	if c == nil {
		return nil, fmt.Errorf("feed %s: not compiled", f.Slug)
	}
	w := &window{sources: c.Sources, filter: newFilter(c), limit: c.Limit, maxAge: c.MaxAge, near: f.NearDuplicates}
	pref := c.Preference
	if len(pref) == 0 {
		pref = c.Sources
	}
	if len(pref) > 1 {
		// One source ranks alone: no map (tens of thousands of feeds
		// with a source each would hold one apiece).
		w.ranks = make(map[string]int, len(pref))
		for i, name := range pref {
			w.ranks[name] = i
		}
	}
	return w, nil
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
	items, _, err := w.buildMerging(ctx, st, now)
	return items, err
}

// buildMerging is build that also returns the near-duplicate merges.
func (w *window) buildMerging(ctx context.Context, st store.Store, now time.Time) ([]sources.Item, []Merge, error) {
	if len(w.sources) == 0 {
		return nil, nil, nil
	}
	q := store.Query{Sources: w.sources, Limit: w.pageSize()}
	if w.maxAge > 0 {
		q.Since = now.Add(-w.maxAge)
	}
	var cands []sources.Item
	var out []sources.Item
	var merges []Merge
	for {
		page, err := st.Items(ctx, q)
		if err != nil {
			return nil, nil, fmt.Errorf("select items of %v: %w", w.sources, err)
		}
		for i := range page {
			// Filter first: an excluded copy must not mark its id or link
			// seen and so hide an included copy from another source.
			if w.filter.keep(&page[i]) {
				cands = append(cands, page[i])
			}
		}
		out, merges = w.merge(cands)
		if len(out) == w.limit || len(page) < q.Limit {
			break
		}
		last := &page[len(page)-1]
		q.Before, q.BeforeKey = last.Date(), last.Source+"\x00"+last.ID
	}
	return out, merges, nil
}

// pageSize asks for a little more than the limit when filters will drop
// some items, so that most feeds need one query.
func (w *window) pageSize() int {
	if w.filter.empty() {
		return w.limit + w.limit/4 + 1 // room for duplicates
	}
	return w.limit * 2
}
