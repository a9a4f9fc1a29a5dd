package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/store"
)

// DefaultDebounce is how long SourceChanged marks are coalesced.
const DefaultDebounce = 200 * time.Millisecond

// retryAfterError is how long Run waits before asking the store again when
// it could not read the changed sources' versions.
const retryAfterError = 2 * time.Second

// Options configures a Publisher.
type Options struct {
	Store    store.Store
	Config   *config.Config
	Metrics  *metrics.Metrics // may be nil
	Logger   *slog.Logger     // nil: discard
	Now      func() time.Time // nil: time.Now
	Debounce time.Duration    // coalescing window; 0: DefaultDebounce
	// CacheBytes bounds the rendered bytes kept in memory; 0:
	// DefaultCacheBytes.
	CacheBytes int64
	// OnChange is told the slug of every feed whose content may have
	// changed (see announce): once per feed and debounce batch, whether or
	// not the feed is rendered in memory (push deliveries hang off it). It
	// must not block. May be nil.
	OnChange func(slug string)
}

// Publisher serves the configured feeds. A feed is rendered when it is
// first asked for (or ahead of time, for the feeds in demand before a
// restart), kept in a cache bounded in bytes, and rendered again only when
// it is cached and one of its sources changed. Its validators come from
// the data (see validatorsOf), so conditional requests are answered
// without rendering.
type Publisher struct {
	st       store.Store
	m        *metrics.Metrics
	log      *slog.Logger
	now      func() time.Time
	debounce time.Duration
	onChange func(slug string)

	state    atomic.Pointer[state]
	cache    *cache
	versions versions
	ready    atomic.Bool
	initErr  error // a feed of the initial config that failed to compile

	configMu sync.Mutex // serialises SetConfig and batches against each other

	dirtyMu sync.Mutex
	dirty   map[string]struct{} // changed sources
	wake    chan struct{}

	demandMu  sync.Mutex
	demand    map[string]struct{} // "slug.format" rendered on request since the last flush
	flushMark int64               // cache clock at the last flush

	// Test hooks: the debounce timer and a notice after each batch.
	after     func(time.Duration) <-chan time.Time
	batchDone func(rendered int)
}

// NewPublisher returns a Publisher for opts.Config. It serves nothing until
// Load (or RenderAll) has read the store's versions.
func NewPublisher(opts Options) *Publisher {
	p := &Publisher{
		st:       opts.Store,
		m:        opts.Metrics,
		log:      opts.Logger,
		now:      opts.Now,
		debounce: opts.Debounce,
		onChange: opts.OnChange,
		cache:    newCache(opts.CacheBytes, opts.Metrics),
		dirty:    make(map[string]struct{}),
		demand:   make(map[string]struct{}),
		wake:     make(chan struct{}, 1),
		after:    time.After,
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.debounce <= 0 {
		p.debounce = DefaultDebounce
	}
	st, err := newState(opts.Config, p.now(), nil)
	p.state.Store(st)
	p.initErr = err
	p.versions.m = make(map[string]time.Time)
	return p
}

// Get returns the feed's cached render, or nil when it is not cached (or
// the slug or format is unknown): the server then asks Validators and
// Render. It takes no lock and allocates nothing: the server calls it per
// request.
func (p *Publisher) Get(slug string, f Format) *Rendered {
	fc := p.state.Load().bySlug[slug]
	if fc == nil || f < 0 || f >= numFormats {
		return nil
	}
	rd := fc.entry.r[f].Load()
	if rd != nil {
		p.cache.touch(fc.entry, f)
	}
	return rd
}

// Access returns the access rule of a private feed, nil for a public or
// unknown one. The server asks before serving any of the feed's documents.
func (p *Publisher) Access(slug string) *Access {
	if fc := p.state.Load().bySlug[slug]; fc != nil {
		return fc.access
	}
	return nil
}

// Render returns the feed rendered in format f from the store's current
// data, rendering it unless the cached render is current, and caches it.
// It returns nil and no error for an unknown slug or format.
func (p *Publisher) Render(ctx context.Context, slug string, f Format) (*Rendered, error) {
	fc := p.state.Load().bySlug[slug]
	if fc == nil || f < 0 || f >= numFormats {
		return nil, nil
	}
	rds, err := p.renderFeed(ctx, fc, []Format{f}, false)
	if err != nil {
		return nil, err
	}
	p.demandMu.Lock()
	p.demand[slug+"."+f.String()] = struct{}{}
	p.demandMu.Unlock()
	return rds[0], nil
}

// CacheBytes is the size of the rendered bytes held in memory.
func (p *Publisher) CacheBytes() int64 { return p.cache.bytes() }

// Ready reports whether the publisher can serve: its configuration
// compiled and the store's versions are loaded. It does not wait for any
// render.
func (p *Publisher) Ready() bool { return p.ready.Load() }

// Feeds describes the configured feeds in config order. Items is from the
// feed's latest render (0 before one); Updated is the feed's Last-Modified.
func (p *Publisher) Feeds() []Info {
	st := p.state.Load()
	out := make([]Info, 0, len(st.order))
	for _, fc := range st.order {
		info := Info{Slug: fc.slug, Title: fc.meta.Title, Description: fc.meta.Description}
		if last := fc.entry.info.Load(); last != nil {
			info = *last
		}
		if info.Description == "" {
			info.Description = info.Title
		}
		info.Updated = p.validatorsOf(fc, Atom).lastModified
		info.Sources = slices.Clone(fc.win.sources)
		info.Private = fc.access != nil
		out = append(out, info)
	}
	return out
}

// Load reads every source's version from the store; then the publisher is
// ready. It renders nothing: how long it takes does not grow with the
// number of feeds. It announces every feed, since what changed while the
// daemon was not running is not known.
func (p *Publisher) Load(ctx context.Context) error {
	v, err := p.st.Versions(ctx, nil)
	if err != nil {
		return fmt.Errorf("load versions: %w", err)
	}
	p.versions.replace(v)
	for _, fc := range p.state.Load().order {
		p.announce(fc.slug)
	}
	if p.initErr != nil {
		return p.initErr
	}
	p.ready.Store(true)
	return nil
}

// RenderAll loads the versions and renders every configured feed in every
// format (as far as the cache holds them). The daemon does not use it, as
// it grows with the number of feeds; tests and tools do.
func (p *Publisher) RenderAll(ctx context.Context) error {
	err := p.Load(ctx)
	if errors.Is(err, p.initErr) && p.initErr != nil {
		err = nil // reported below with the feeds that did compile rendered
	}
	if err != nil {
		return err
	}
	errs := []error{p.initErr}
	for _, fc := range p.state.Load().order {
		_, err := p.renderFeed(ctx, fc, formats[:], false)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// SetConfig switches to cfg. A feed whose configuration is unchanged keeps
// its cached renders; a changed one that was cached is rendered again in
// the formats that were cached; a removed one is dropped. A config whose
// feeds fail to compile is refused and the running one kept.
func (p *Publisher) SetConfig(ctx context.Context, cfg *config.Config) error {
	p.configMu.Lock()
	defer p.configMu.Unlock()
	prev := p.state.Load()
	next, err := newState(cfg, p.now(), prev)
	if err != nil {
		return fmt.Errorf("feeds config: %w", err)
	}
	p.state.Store(next)
	var errs []error
	for _, fc := range next.order {
		old := prev.bySlug[fc.slug]
		if old == nil || old.entry == fc.entry {
			continue
		}
		if fs := old.entry.cached(); len(fs) > 0 {
			_, err := p.renderFeed(ctx, fc, fs, false)
			errs = append(errs, err)
		}
		p.announce(fc.slug)
	}
	for _, old := range prev.order {
		if fc := next.bySlug[old.slug]; fc == nil || fc.entry != old.entry {
			p.cache.drop(old.entry)
		}
		if next.bySlug[old.slug] == nil && p.m != nil {
			p.m.FeedItems.DeleteLabelValues(old.slug)
		}
	}
	return errors.Join(errs...)
}

// SourceChanged notes that the source's stored items may have changed (the
// scheduler stored some, or another replica did). Run reads its version
// and re-renders the cached feeds that include it. It never blocks.
func (p *Publisher) SourceChanged(source string) {
	if len(p.state.Load().bySource[source]) == 0 {
		return
	}
	p.dirtyMu.Lock()
	p.dirty[source] = struct{}{}
	p.dirtyMu.Unlock()
	p.poke()
}

func (p *Publisher) poke() {
	select {
	case p.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Run applies source changes until ctx is done. Changes announced within
// the debounce window after the first one are applied together: each
// affected feed is rendered at most once per batch, however many of its
// sources changed. It also records the feeds in demand now and then.
func (p *Publisher) Run(ctx context.Context) {
	flush := time.NewTicker(hotFlushEvery)
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-flush.C:
			p.FlushDemand(ctx)
			continue
		case <-p.wake:
		}
		if !p.hasDirty() {
			continue // marks already taken by the previous batch
		}
		select {
		case <-ctx.Done():
			return
		case <-p.after(p.debounce):
		}
		n, err := p.applyChanges(ctx, p.takeDirty())
		if err != nil {
			p.log.ErrorContext(ctx, "apply source changes", "err", err, "retry", retryAfterError)
			select {
			case <-ctx.Done():
				return
			case <-p.after(retryAfterError):
			}
			p.poke()
			continue
		}
		if p.batchDone != nil {
			p.batchDone(n)
		}
	}
}

func (p *Publisher) hasDirty() bool {
	p.dirtyMu.Lock()
	defer p.dirtyMu.Unlock()
	return len(p.dirty) > 0
}

func (p *Publisher) takeDirty() []string {
	p.dirtyMu.Lock()
	defer p.dirtyMu.Unlock()
	names := slices.Sorted(maps.Keys(p.dirty))
	clear(p.dirty)
	return names
}

// applyChanges reads the versions of the changed sources, announces the
// feeds whose validators moved, and re-renders those of them that are
// cached, in the formats cached. It returns how many feeds it rendered.
// When the store cannot be read the sources are marked again.
func (p *Publisher) applyChanges(ctx context.Context, names []string) (int, error) {
	got, err := p.st.Versions(ctx, names)
	if err != nil {
		p.dirtyMu.Lock()
		for _, n := range names {
			p.dirty[n] = struct{}{}
		}
		p.dirtyMu.Unlock()
		return 0, err
	}
	p.configMu.Lock()
	defer p.configMu.Unlock()
	st := p.state.Load()
	moved := p.versions.update(names, got)
	slugs := make(map[string]struct{})
	for _, src := range moved {
		for _, slug := range st.bySource[src] {
			slugs[slug] = struct{}{}
		}
	}
	n := 0
	for _, slug := range slices.Sorted(maps.Keys(slugs)) {
		p.announce(slug)
		fc := st.bySlug[slug]
		fs := fc.entry.cached()
		if len(fs) == 0 {
			continue // not in memory: rendered when next asked for
		}
		if _, err := p.renderFeed(ctx, fc, fs, false); err != nil {
			// The stale render stays served: better than none.
			p.log.ErrorContext(ctx, "render feed", "feed", slug, "err", err)
			continue
		}
		n++
	}
	return n, nil
}
