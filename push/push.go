// Package push sends tributary's feeds out instead of waiting to be polled,
// and takes pushes in: the built-in WebSub hub (/websub), pings of external
// hubs, webhooks (feeds[].notify) and the WebSub subscriber side for
// sources with websub: true (/websub/callback/{source}/{token}).
//
// It sits after feeds in the one-way flow (config -> scheduler -> sources ->
// store -> feeds -> push -> server): it reads rendered feeds and keeps its
// state in the store, and the server only mounts its handlers. Pushed bodies
// of upstream feeds go back into the store through an Ingest function that
// cmd wires to the scheduler, so this package never imports the scheduler.
//
// Every delivery goes through the store's outbox (store.Pusher): queued once
// however many replicas see a change, claimed by one replica at a time,
// retried with backoff, and kept across restarts.
package push

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// Defaults of Options.
const (
	DefaultLease       = 10 * 24 * time.Hour // hub.lease_seconds when none is asked
	MinLease           = time.Hour
	MaxLease           = 30 * 24 * time.Hour
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 20 // 30 s doubling to 2 h: about a day
	DefaultMaxSubs     = 10000
	DefaultPoll        = 2 * time.Second
	// maxSecret is WebSub's bound on hub.secret: less than 200 bytes.
	maxSecret = 199
)

// Feeds is what push needs of the published feeds; *feeds.Publisher
// implements it. Render returns the feed's current bytes, rendering them
// when the render in memory is missing or older than the data (push
// distributes a change whether or not anyone read the feed on this
// replica); nil and no error for an unknown feed.
type Feeds interface {
	Render(ctx context.Context, slug string, f feeds.Format) (*feeds.Rendered, error)
}

// renderTimeout bounds one render for a delivery.
const renderTimeout = 30 * time.Second

// render is Feeds.Render under renderTimeout; a failure is logged and
// reads as nil.
func (s *Service) render(ctx context.Context, slug string, f feeds.Format) *feeds.Rendered {
	ctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	rd, err := s.opts.Feeds.Render(ctx, slug, f)
	if err != nil {
		if ctx.Err() == nil {
			s.log.WarnContext(ctx, "push: render feed", "feed", slug, "format", f.String(), "err", err)
		}
		return nil
	}
	return rd
}

// Feed is one published feed as push sees it.
type Feed struct {
	Slug string
	// Private feeds are neither advertised on a hub, nor distributed, nor
	// pinged; their webhooks still fire (the operator configured them).
	Private bool
	Notify  []Hook
}

// Hook is one webhook of a feed.
type Hook struct {
	URL    string
	Secret string // signs the body; never logged
}

// Source is a configured source that subscribes to its upstream's hub.
type Source struct {
	Name string
	URL  string
	// FullText sources re-fetch on a push instead of ingesting its body:
	// the pushed items lack the extracted article text.
	FullText bool
}

// Config is what push reads of the configuration; SetConfig swaps it.
type Config struct {
	BaseURL string // absolute, no trailing slash needed
	Builtin bool   // serve the hub at /websub
	Hubs    []string
	Feeds   []Feed
	Sources []Source // sources with websub: true
}

// Options configures a Service.
type Options struct {
	Store   store.Pusher
	Feeds   Feeds
	Config  Config
	Logger  *slog.Logger
	Now     func() time.Time
	Owner   string // replica id for claims; empty: "local"
	Timeout time.Duration
	// MaxAttempts bounds the tries of one delivery before it is dropped.
	MaxAttempts int
	// MaxSubscriptions bounds the built-in hub's active subscriptions.
	MaxSubscriptions int
	// Poll is how often the outbox is checked for deliveries that other
	// replicas queued or that are due for a retry.
	Poll time.Duration
	// AllowPrivate lets hub callbacks resolve to loopback and private
	// addresses. Only tests set it: callbacks come from the public.
	AllowPrivate bool
	// Ingest stores the items of a pushed upstream body (the scheduler's
	// store path); Refresh fetches a source now. Cmd wires both.
	Ingest  func(ctx context.Context, source string, items []sources.Item) error
	Refresh func(source string) error
	// Leaser, when the store is shared, lets one replica at a time manage
	// a source's upstream subscription.
	Leaser store.Leaser
	// Client fetches upstream feeds for hub discovery; nil: a default one.
	Client *sources.Client
	// UserAgent is sent with deliveries.
	UserAgent string
	// MaxBody bounds a pushed body; zero: sources.DefaultMaxBody.
	MaxBody int64
	// Registerer, when set, gets push's Prometheus collectors.
	Registerer prometheus.Registerer
}

// Service runs the hub, the outbox and the subscriber side.
type Service struct {
	opts   Options
	st     store.Pusher
	log    *slog.Logger
	now    func() time.Time
	cfg    atomic.Pointer[compiled]
	guard  *outbound // deliveries to hostile (public) callbacks
	plain  *outbound // deliveries to operator-supplied URLs
	wake   chan struct{}
	verify chan verification
	m      *collectors

	// changed holds the slugs Changed marked, for runChanges.
	changedMu sync.Mutex
	changed   map[string]struct{}
	changes   chan struct{}
}

// compiled is an immutable view of a Config.
type compiled struct {
	Config
	base    string
	feeds   map[string]*Feed
	sources map[string]*Source
}

func compile(c Config) *compiled {
	cc := &compiled{Config: c, base: strings.TrimRight(c.BaseURL, "/"),
		feeds: make(map[string]*Feed), sources: make(map[string]*Source)}
	for i := range c.Feeds {
		cc.feeds[c.Feeds[i].Slug] = &c.Feeds[i]
	}
	for i := range c.Sources {
		cc.sources[c.Sources[i].Name] = &c.Sources[i]
	}
	return cc
}

// active reports whether anything is configured to push: without it the
// outbox is not polled at all.
func (c *compiled) active() bool {
	if c.Builtin || len(c.Hubs) > 0 {
		return true
	}
	for i := range c.Feeds {
		if len(c.Feeds[i].Notify) > 0 {
			return true
		}
	}
	return false
}

// New returns a Service; Run starts its background work.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Feeds == nil {
		return nil, errors.New("push: a store and feeds are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Owner == "" {
		opts.Owner = "local"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MaxSubscriptions <= 0 {
		opts.MaxSubscriptions = DefaultMaxSubs
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = sources.DefaultMaxBody
	}
	if opts.UserAgent == "" {
		opts.UserAgent = sources.DefaultUserAgent
	}
	if opts.Client == nil {
		opts.Client = sources.NewClient(sources.ClientOptions{Timeout: opts.Timeout, UserAgent: opts.UserAgent, Now: opts.Now})
	}
	s := &Service{
		opts:    opts,
		st:      opts.Store,
		log:     opts.Logger,
		now:     opts.Now,
		guard:   newOutbound(opts.Timeout, opts.UserAgent, !opts.AllowPrivate),
		plain:   newOutbound(opts.Timeout, opts.UserAgent, false),
		wake:    make(chan struct{}, 1),
		verify:  make(chan verification, verifyQueue),
		changed: make(map[string]struct{}),
		changes: make(chan struct{}, 1),
	}
	var err error
	if s.m, err = newCollectors(opts.Registerer); err != nil {
		return nil, fmt.Errorf("push metrics: %w", err)
	}
	s.cfg.Store(compile(opts.Config))
	return s, nil
}

// SetConfig swaps the configuration (a reload).
func (s *Service) SetConfig(c Config) {
	s.cfg.Store(compile(c))
	s.changedAll()
	s.kick()
}

// changedAll marks every feed changed: at start and after a reload, so
// that a webhook added meanwhile records what exists now (and sends only
// what comes after), and a change missed while stopped is delivered.
func (s *Service) changedAll() {
	for _, f := range s.cfg.Load().Feeds {
		s.Changed(f.Slug)
	}
}

// Run works the outbox, verifies hub subscriptions and keeps upstream
// subscriptions alive until ctx is done.
func (s *Service) Run(ctx context.Context) {
	s.changedAll()
	var wg sync.WaitGroup
	for range verifyWorkers {
		wg.Go(func() { s.runVerifier(ctx) })
	}
	wg.Go(func() { s.runOutbox(ctx) })
	wg.Go(func() { s.runChanges(ctx) })
	wg.Go(func() { s.runUpstreams(ctx) })
	wg.Wait()
}

// Changed marks a feed whose rendered bytes changed; Run queues its
// deliveries (FeedChanged) soon after. It never blocks: the publisher
// calls it while rendering.
func (s *Service) Changed(slug string) {
	s.changedMu.Lock()
	s.changed[slug] = struct{}{}
	s.changedMu.Unlock()
	select {
	case s.changes <- struct{}{}:
	default:
	}
}

func (s *Service) runChanges(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.changes:
		}
		s.changedMu.Lock()
		slugs := slices.Sorted(maps.Keys(s.changed))
		clear(s.changed)
		s.changedMu.Unlock()
		for _, slug := range slugs {
			s.FeedChanged(ctx, slug)
		}
	}
}

// kick wakes the outbox worker; it never blocks.
func (s *Service) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// topics returns the four URLs a feed is published at, the negotiated one
// (served as Atom) first, with their formats.
func (c *compiled) topics(slug string) []topic {
	base := c.base + "/feeds/" + slug
	return []topic{
		{url: base, slug: slug, format: feeds.Atom},
		{url: base + ".rss", slug: slug, format: feeds.RSS},
		{url: base + ".atom", slug: slug, format: feeds.Atom},
		{url: base + ".json", slug: slug, format: feeds.JSON},
	}
}

type topic struct {
	url    string
	slug   string
	format feeds.Format
}

// lookupTopic maps a topic URL to a public feed and format.
func (c *compiled) lookupTopic(raw string) (topic, bool) {
	rest, ok := strings.CutPrefix(raw, c.base+"/feeds/")
	if !ok || rest == "" || strings.ContainsAny(rest, "/?#") {
		return topic{}, false
	}
	t := topic{url: raw, slug: rest, format: feeds.Atom}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		f, ok := feeds.ParseFormat(rest[i+1:])
		if !ok {
			return topic{}, false
		}
		t.slug, t.format = rest[:i], f
	}
	f := c.feeds[t.slug]
	if f == nil || f.Private {
		return topic{}, false
	}
	return t, true
}

// hubURL is the built-in hub's address.
func (c *compiled) hubURL() string { return c.base + "/websub" }

// redactURL is a URL fit for a log line: scheme and host only, since
// callbacks carry tokens in their paths and queries.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host + "/..."
}
