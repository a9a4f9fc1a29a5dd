package feeds

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tributaryfeeds/tributary/metrics"
)

// DefaultCacheBytes bounds the rendered bytes kept in memory when the
// configuration does not (server.render_cache).
const DefaultCacheBytes = 256 << 20

// renderedOverhead is what a cached Rendered costs beside its bodies: the
// struct, its strings and the server's header values.
const renderedOverhead = 512

// cacheEntry holds one configured feed's cached renders, one slot per format.
// Readers load the slots without a lock; mu serialises the feed's renders.
type cacheEntry struct {
	mu   sync.Mutex
	r    [numFormats]atomic.Pointer[Rendered]
	used [numFormats]atomic.Int64     // cache clock at the last use
	info atomic.Pointer[Info]         // from the latest render
	page atomic.Pointer[Page]         // from the latest build; dropped with the renders
	arc  atomic.Pointer[archiveIndex] // an archived feed's index, from the latest build
}

// cached returns the formats that e holds.
func (e *cacheEntry) cached() []Format {
	var fs []Format
	for _, f := range formats {
		if e.r[f].Load() != nil {
			fs = append(fs, f)
		}
	}
	return fs
}

// cache bounds the rendered bytes of all entries and evicts the least
// recently used renders first. Uses are stamped with a clock that ticks on
// every insertion, so a hit costs one atomic load (and a store only when
// the clock has moved): the serving path stays free of locks.
type cache struct {
	limit int64
	m     *metrics.Metrics // may be nil
	clock atomic.Int64

	mu   sync.Mutex
	size int64
	live map[*cacheEntry]struct{} // entries holding at least one render
}

func newCache(limit int64, m *metrics.Metrics) *cache {
	if limit <= 0 {
		limit = DefaultCacheBytes
	}
	return &cache{limit: limit, m: m, live: make(map[*cacheEntry]struct{})}
}

func cost(rd *Rendered) int64 {
	if rd == nil {
		return 0
	}
	return int64(len(rd.Body)+len(rd.Gzip)) + renderedOverhead
}

// touch marks e's format f as used now.
func (c *cache) touch(e *cacheEntry, f Format) {
	if now := c.clock.Load(); e.used[f].Load() != now {
		e.used[f].Store(now)
	}
}

// put stores rd as e's format f, evicting older renders while the cache is
// over its bound. A render larger than the whole bound is not kept (it is
// still served to whoever asked for it); put reports whether rd was kept.
func (c *cache) put(e *cacheEntry, f Format, rd *Rendered) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cost(rd) > c.limit {
		c.size -= cost(e.r[f].Swap(nil))
		c.settle(e)
		return false
	}
	c.size += cost(rd) - cost(e.r[f].Swap(rd))
	e.used[f].Store(c.clock.Add(1))
	c.live[e] = struct{}{}
	if c.size > c.limit {
		c.evict(e, f)
	}
	c.report()
	return true
}

// evict drops the least recently used renders, other than keep's format
// kf, until the cache is at 7/8 of its bound: evicting in batches keeps the
// sort off most insertions. The caller holds mu.
func (c *cache) evict(keep *cacheEntry, kf Format) {
	type slot struct {
		e    *cacheEntry
		f    Format
		used int64
	}
	var slots []slot
	for e := range c.live {
		for _, f := range formats {
			if e.r[f].Load() != nil && (e != keep || f != kf) {
				slots = append(slots, slot{e, f, e.used[f].Load()})
			}
		}
	}
	slices.SortFunc(slots, func(a, b slot) int { return int(min(max(a.used-b.used, -1), 1)) })
	target := c.limit / 8 * 7
	for _, s := range slots {
		if c.size <= target {
			break
		}
		c.size -= cost(s.e.r[s.f].Swap(nil))
		c.settle(s.e)
		if c.m != nil {
			c.m.RenderCacheEvictions.Inc()
		}
	}
}

// settle forgets e when it holds nothing. The caller holds mu.
func (c *cache) settle(e *cacheEntry) {
	if len(e.cached()) == 0 {
		delete(c.live, e)
		e.page.Store(nil)
	}
}

// drop removes every render of e (a feed removed or changed by a reload).
func (c *cache) drop(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range formats {
		c.size -= cost(e.r[f].Swap(nil))
	}
	delete(c.live, e)
	e.page.Store(nil)
	c.report()
}

// bytes is the cache's current size.
func (c *cache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

func (c *cache) report() {
	if c.m != nil {
		c.m.RenderCacheBytes.Set(float64(c.size))
	}
}
