package feeds

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// hotFlushEvery is how often Run records the feeds in demand in the store.
const hotFlushEvery = time.Minute

// DefaultWarm is how many of the feeds last in demand Warm renders at most.
const DefaultWarm = 1000

// FlushDemand records in the store the feeds rendered on request or served
// from the cache since the last flush, so that the next start renders them
// ahead of the first request (see Warm). The daemon calls it now and then
// (Run) and once when it stops.
func (p *Publisher) FlushDemand(ctx context.Context) {
	p.demandMu.Lock()
	keys := p.demand
	p.demand = make(map[string]struct{})
	mark := p.flushMark
	// Uses from now on stamp the new clock value, which is after mark.
	p.flushMark = p.cache.clock.Add(1)
	p.demandMu.Unlock()
	for _, fc := range p.state.Load().order {
		for _, f := range formats {
			if fc.entry.r[f].Load() != nil && fc.entry.used[f].Load() >= mark && mark > 0 {
				keys[fc.slug+"."+f.String()] = struct{}{}
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	if err := p.st.TouchFeeds(ctx, slices.Sorted(maps.Keys(keys)), p.now()); err != nil {
		p.log.WarnContext(ctx, "record feeds in demand", "err", err)
	}
}

// Warm renders up to limit (0: DefaultWarm) of the feeds most recently in
// demand before the restart, most recent first, and stops once the cache
// is half full so that warming never evicts what readers ask for. It
// returns how many it rendered.
func (p *Publisher) Warm(ctx context.Context, limit int) int {
	if limit <= 0 {
		limit = DefaultWarm
	}
	keys, err := p.st.HotFeeds(ctx, p.now().Add(-store.HotFeedsKeep), limit)
	if err != nil {
		// A daemon stopping before warming ended is no failure to warn of.
		if ctx.Err() == nil {
			p.log.WarnContext(ctx, "read feeds in demand", "err", err)
		}
		return 0
	}
	n := 0
	for _, k := range keys {
		if ctx.Err() != nil || p.cache.bytes() > p.cache.limit/2 {
			break
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			continue
		}
		f, ok := ParseFormat(k[i+1:])
		fc := p.state.Load().bySlug[k[:i]]
		if !ok || fc == nil || fc.entry.r[f].Load() != nil {
			continue // removed from the configuration, or already asked for
		}
		if _, err := p.renderFeed(ctx, fc, []Format{f}, false); err != nil {
			if ctx.Err() == nil {
				p.log.WarnContext(ctx, "warm feed", "feed", k, "err", err)
			}
			continue
		}
		n++
	}
	return n
}
