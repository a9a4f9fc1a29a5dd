package feeds

import (
	"context"
	"fmt"
	"maps"
)

// renderFeed builds one feed from the store and publishes its three
// formats. A format whose bytes did not change keeps its Rendered pointer.
// The caller holds renderMu.
func (p *Publisher) renderFeed(ctx context.Context, fc *feedConf) error {
	now := p.now()
	items, err := fc.win.build(ctx, p.st, now)
	if err != nil {
		return fmt.Errorf("feed %s: %w", fc.slug, err)
	}
	meta := fc.meta
	meta.Now = now
	meta = meta.normalise(items)
	entries := prepare(&meta, items)
	old := (*p.snap.Load())[fc.slug]
	pub := &published{}
	changed := old == nil
	for _, f := range formats {
		m := meta
		m.FeedURL = fc.feedURL[f]
		body, err := renderEntries(&m, entries, f)
		if err != nil {
			return fmt.Errorf("feed %s: %w", fc.slug, err)
		}
		if old != nil && old.r[f].sameAs(body, fc.cacheControl) {
			pub.r[f] = old.r[f]
			continue
		}
		if pub.r[f], err = newRendered(body, f, meta.Updated, fc.cacheControl); err != nil {
			return fmt.Errorf("feed %s: %w", fc.slug, err)
		}
		pub.r[f].Link = fc.link[f]
		changed = true
	}
	pub.info = Info{Slug: fc.slug, Title: meta.Title, Description: meta.Description, Items: len(items)}
	if changed {
		pub.info.Updated = now
	} else {
		pub.info.Updated = old.info.Updated
	}
	pub.page = newPage(pub.info, meta.Updated, items, entries)
	p.publish(fc.slug, pub)
	if changed && p.onChange != nil {
		p.onChange(fc.slug)
	}
	if p.m != nil {
		if changed {
			p.m.FeedRenders.WithLabelValues(fc.slug).Inc()
		}
		p.m.FeedItems.WithLabelValues(fc.slug).Set(float64(len(items)))
	}
	return nil
}

// publish replaces one feed in a copy of the snapshot; readers keep using
// the map they loaded. The caller holds renderMu.
func (p *Publisher) publish(slug string, pub *published) {
	next := maps.Clone(*p.snap.Load())
	next[slug] = pub
	p.snap.Store(&next)
}

// dropExcept removes feeds that st no longer configures.
func (p *Publisher) dropExcept(st *state) {
	cur := *p.snap.Load()
	next := make(map[string]*published, len(st.order))
	for slug, pub := range cur {
		if st.bySlug[slug] != nil {
			next[slug] = pub
			continue
		}
		if p.m != nil {
			p.m.FeedItems.DeleteLabelValues(slug)
		}
	}
	if len(next) != len(cur) {
		p.snap.Store(&next)
	}
}
