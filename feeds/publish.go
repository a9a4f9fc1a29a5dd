package feeds

import (
	"context"
	"fmt"

	"github.com/tributaryfeeds/tributary/sources"
)

// renderFeed returns fc in the formats fs, rendering (and caching) those
// whose cached render is missing or older than the feed's validators; with
// wantPage it also builds the feed's HTML page if that is not current. The
// items are selected once for all of them. The validators are computed
// before the items are read, so a render is never older than the version
// it is tagged with: a change that lands in between is tagged on the next
// render, which its announcement brings.
func (p *Publisher) renderFeed(ctx context.Context, fc *feedConf, fs []Format, wantPage bool) ([]*Rendered, error) {
	e := fc.entry
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*Rendered, len(fs))
	vs := make([]validators, len(fs))
	var todo []int
	for i, f := range fs {
		vs[i] = p.validatorsOf(fc, f)
		if rd := e.r[f].Load(); rd != nil && rd.ETag == `"`+vs[i].tag+`"` {
			out[i] = rd
			continue
		}
		todo = append(todo, i)
	}
	pageV := p.validatorsOf(fc, Atom)
	if pg := e.page.Load(); pg != nil && pg.tag == pageV.tag {
		wantPage = false
	}
	// An archived feed's index is built with its renders and tagged like
	// them, so that its pages follow the feed's data.
	oldArc := e.arc.Load()
	needArc := fc.archive && (oldArc == nil || oldArc.tag != pageV.tag)
	if len(todo) == 0 && !wantPage && !needArc {
		return out, nil
	}
	now := p.now()
	var (
		items  []sources.Item
		merges []Merge
		arc    *archiveIndex
		err    error
	)
	if fc.archive {
		items, arc, err = p.buildArchive(ctx, fc, oldArc)
	} else {
		items, merges, err = fc.win.buildMerging(ctx, p.st, now)
	}
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", fc.slug, err)
	}
	if arc != nil {
		arc.tag = pageV.tag
		e.arc.Store(arc)
	}
	meta := fc.meta
	meta.Now = now
	meta = meta.normalise(items)
	entries := prepare(&meta, items)
	for _, i := range todo {
		f := fs[i]
		m := meta
		m.FeedURL = fc.feedURL[f]
		m.Archive.Prev = fc.archiveURL(e.arc.Load().newest(), f)
		body, err := renderEntries(&m, entries, f)
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", fc.slug, err)
		}
		if out[i], err = newRendered(body, f, vs[i], fc.cacheControl); err != nil {
			return nil, fmt.Errorf("feed %s: %w", fc.slug, err)
		}
		out[i].Link = fc.link[f]
		p.cache.put(e, f, out[i])
	}
	info := Info{Slug: fc.slug, Title: meta.Title, Description: meta.Description, Items: len(items), Private: fc.access != nil, Merges: merges}
	e.info.Store(&info)
	// The page comes with every build: it costs little beside the renders
	// and lists what a feed reader gets.
	pg := newPage(info, pageV.lastModified, items, entries)
	pg.tag = pageV.tag
	e.page.Store(pg)
	if p.m != nil {
		p.m.FeedRenders.WithLabelValues(fc.slug).Inc()
		p.m.FeedItems.WithLabelValues(fc.slug).Set(float64(len(items)))
	}
	return out, nil
}
