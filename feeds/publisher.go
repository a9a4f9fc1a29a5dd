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

// Options configures a Publisher.
type Options struct {
	Store    store.Store
	Config   *config.Config
	Metrics  *metrics.Metrics // may be nil
	Logger   *slog.Logger     // nil: discard
	Now      func() time.Time // nil: time.Now
	Debounce time.Duration    // coalescing window; 0: DefaultDebounce
	// OnChange is told the slug of each feed whose rendered bytes changed
	// (push deliveries hang off it); it must not block. May be nil.
	OnChange func(slug string)
}

// published is one feed's latest renders. It is never modified once stored.
type published struct {
	r    [numFormats]*Rendered
	info Info
	page *Page // for the HTML page
}

// Publisher keeps the rendered bytes of every configured feed and re-renders
// a feed when one of its sources changes or its config does.
type Publisher struct {
	st       store.Store
	m        *metrics.Metrics
	log      *slog.Logger
	now      func() time.Time
	debounce time.Duration
	onChange func(slug string)

	state   atomic.Pointer[state]
	snap    atomic.Pointer[map[string]*published] // read lock-free by Get
	ready   atomic.Bool
	initErr error // a feed of the initial config that failed to compile

	renderMu sync.Mutex // serialises renders and snapshot writes

	dirtyMu sync.Mutex
	dirty   map[string]struct{}
	wake    chan struct{}

	// Test hooks: the debounce timer and a notice after each batch.
	after     func(time.Duration) <-chan time.Time
	batchDone func(rendered int)
}

// NewPublisher returns a Publisher for opts.Config. Nothing is served until
// RenderAll has run.
func NewPublisher(opts Options) *Publisher {
	p := &Publisher{
		st:       opts.Store,
		m:        opts.Metrics,
		log:      opts.Logger,
		now:      opts.Now,
		debounce: opts.Debounce,
		onChange: opts.OnChange,
		dirty:    make(map[string]struct{}),
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
	st, err := newState(opts.Config, p.now())
	p.state.Store(st)
	p.initErr = err
	empty := make(map[string]*published)
	p.snap.Store(&empty)
	return p
}

// Get returns the rendered feed, or nil for an unknown slug or format. It
// takes no lock and allocates nothing: the server calls it per request.
func (p *Publisher) Get(slug string, f Format) *Rendered {
	pub := (*p.snap.Load())[slug]
	if pub == nil || f < 0 || f >= numFormats {
		return nil
	}
	return pub.r[f]
}

// Access returns the access rule of a private feed, nil for a public or
// unknown one. The server asks before serving any of the feed's documents.
func (p *Publisher) Access(slug string) *Access {
	if fc := p.state.Load().bySlug[slug]; fc != nil {
		return fc.access
	}
	return nil
}

// Ready reports whether every configured feed has been rendered once.
func (p *Publisher) Ready() bool { return p.ready.Load() }

// Feeds describes the configured feeds in config order.
func (p *Publisher) Feeds() []Info {
	st, snap := p.state.Load(), *p.snap.Load()
	out := make([]Info, 0, len(st.order))
	for _, fc := range st.order {
		info := Info{Slug: fc.slug, Title: fc.meta.Title, Description: fc.meta.Description}
		if pub := snap[fc.slug]; pub != nil {
			info = pub.info
		}
		if info.Description == "" {
			info.Description = info.Title
		}
		info.Sources = slices.Clone(fc.win.sources)
		info.Private = fc.access != nil
		out = append(out, info)
	}
	return out
}

// RenderAll renders every configured feed from the store. Once it returns
// nil, Ready reports true.
func (p *Publisher) RenderAll(ctx context.Context) error {
	p.renderMu.Lock()
	defer p.renderMu.Unlock()
	st := p.state.Load()
	errs := []error{p.initErr}
	for _, fc := range st.order {
		errs = append(errs, p.renderFeed(ctx, fc))
	}
	p.dropExcept(st)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.ready.Store(true)
	return nil
}

// SetConfig switches to cfg: feeds that are new or changed are rendered,
// removed ones are dropped. A config whose feeds fail to compile is refused
// and the running one kept.
func (p *Publisher) SetConfig(ctx context.Context, cfg *config.Config) error {
	next, err := newState(cfg, p.now())
	if err != nil {
		return fmt.Errorf("feeds config: %w", err)
	}
	p.renderMu.Lock()
	defer p.renderMu.Unlock()
	prev := p.state.Swap(next)
	snap := *p.snap.Load()
	var errs []error
	for _, fc := range next.order {
		if old := prev.bySlug[fc.slug]; old != nil && old.fingerprint == fc.fingerprint && snap[fc.slug] != nil {
			continue
		}
		errs = append(errs, p.renderFeed(ctx, fc))
	}
	p.dropExcept(next)
	return errors.Join(errs...)
}

// SourceChanged marks the feeds that include source for a re-render by Run.
// It never blocks.
func (p *Publisher) SourceChanged(source string) {
	slugs := p.state.Load().bySource[source]
	if len(slugs) == 0 {
		return
	}
	p.dirtyMu.Lock()
	for _, s := range slugs {
		p.dirty[s] = struct{}{}
	}
	p.dirtyMu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Run re-renders dirty feeds until ctx is done. Marks made within the
// debounce window after the first one are rendered together, each feed once.
func (p *Publisher) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
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
		n := p.renderDirty(ctx, p.takeDirty())
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
	slugs := slices.Sorted(maps.Keys(p.dirty))
	clear(p.dirty)
	return slugs
}

func (p *Publisher) renderDirty(ctx context.Context, slugs []string) int {
	p.renderMu.Lock()
	defer p.renderMu.Unlock()
	st := p.state.Load()
	n := 0
	for _, slug := range slugs {
		fc := st.bySlug[slug]
		if fc == nil {
			continue // removed by a reload since it was marked
		}
		if err := p.renderFeed(ctx, fc); err != nil {
			p.log.ErrorContext(ctx, "render feed", "feed", slug, "err", err)
			continue
		}
		n++
	}
	return n
}
