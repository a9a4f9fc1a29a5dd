// Package scheduler runs each configured source on its cron schedule, within
// a global and a per-host concurrency limit, with jitter and backoff, and
// stores what the sources yield.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/limit"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// ErrUnknownSource is returned for a source name that is not configured.
var ErrUnknownSource = errors.New("unknown source")

// errStopped is returned by calls made after Stop.
var errStopped = errors.New("scheduler stopped")

// SourceStatus is what the status page shows about one source.
type SourceStatus struct {
	Name        string
	Kind        string
	Schedule    string
	Items       int
	LastFetch   time.Time
	LastSuccess time.Time
	LastError   string
	Failures    int
	NextRun     time.Time
	// Expect is the source's sources[].expect; zero when not set.
	Expect time.Duration
	// LastNewItem is when a fetch last brought a new item; zero if never.
	LastNewItem time.Time
	// Health sums the above up for the dashboard and alerts.
	Health Health
}

// Options configures a Scheduler.
type Options struct {
	Store store.Store
	// Build turns a configured source into a runnable one (the cmd package
	// wires the real factory).
	Build func(src config.Source) (sources.Source, error)
	// OnChange is called after a fetch that stored new or updated items or
	// pruned old ones; it may be nil.
	OnChange func(source string)
	Metrics  *metrics.Metrics // may be nil
	Logger   *slog.Logger     // nil: discard
	Now      func() time.Time // nil: time.Now
	// Owner names this replica in logs; claims on a shared store
	// (store.Claimer) belong to the replica's session, not to a name.
	Owner string
	// Rand returns a random number in [0, n) for jitter; nil: math/rand/v2.
	Rand func(n int64) int64
	// Hosts is fetch.per_host's limit, shared with the HTTP client so that
	// a fetch and the requests it makes count once per host. Nil: the
	// scheduler keeps its own.
	Hosts *limit.Hosts
	// Health records the outcome of every store write; nil records none.
	Health *store.Health
}

// Scheduler runs configured sources on their schedules. Its methods are safe
// for concurrent use.
type Scheduler struct {
	opts   Options
	log    *slog.Logger
	cron   *cron.Cron
	queue  *queue // fetches begun, waiting to start
	global *limit.Semaphore
	hosts  *limit.Hosts

	// ctx is the root of every fetch; cancel aborts them all.
	ctx    context.Context
	cancel context.CancelFunc

	syncMu sync.Mutex // serialises Sync calls

	mu      sync.Mutex
	client  config.ClientOptions // of the sources built
	order   []string             // configured names, in config order
	entries map[string]*entry
	// running holds the sources being fetched, with the cancel of each
	// fetch's context: a source removed or replaced is cancelled there.
	running map[string]context.CancelFunc
	// again holds the sources an operator refreshed while a fetch of
	// theirs ran: one more fetch follows that one.
	again   map[string]bool
	started bool
	stopped bool
	wg      sync.WaitGroup // fetches in flight
}

// entry is one scheduled source.
type entry struct {
	cfg   config.Source
	sched config.Schedule
	src   sources.Source
	host  string
	id    cron.EntryID // 0 until scheduled
	// removed is set, under Scheduler.mu, when the source is removed or
	// replaced: no fetch of it starts after that.
	removed bool
}

// New returns a Scheduler that has nothing scheduled yet.
func New(opts Options) *Scheduler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Logger = slog.New(clipHandler{opts.Logger.Handler()})
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Int64N
	}
	cl := cronLogger{opts.Logger}
	ctx, cancel := context.WithCancel(context.Background())
	if opts.Hosts == nil {
		opts.Hosts = limit.NewHosts(config.DefaultPerHost)
	}
	s := &Scheduler{
		opts: opts,
		log:  opts.Logger,
		// No job wrappers (cron.WithChain): begin already skips a
		// source whose fetch runs, and scheduled and the fetch
		// recover; the wrappers cost every source a few closures and
		// a channel.
		cron: cron.New(
			cron.WithLocation(time.UTC),
			cron.WithLogger(cl),
		),
		global:  limit.NewSemaphore(config.DefaultConcurrency),
		hosts:   opts.Hosts,
		ctx:     ctx,
		cancel:  cancel,
		entries: make(map[string]*entry),
		running: make(map[string]context.CancelFunc),
		again:   make(map[string]bool),
	}
	s.queue = newQueue(s.startJob, s.dropJob, s.queueLimits)
	if opts.Metrics != nil {
		// Refused only when another scheduler registered on the same
		// registry first; its series would be this one's.
		if err := opts.Metrics.Registry.Register(newHealthCollector(s)); err != nil {
			s.log.Warn("source health metrics not registered", "err", err)
		}
	}
	return s
}

// Start schedules every configured source and starts the clock. With
// fetch.run_on_start it also fetches every source now, without jitter,
// within the concurrency limits. Cancelling ctx cancels every fetch.
func (s *Scheduler) Start(ctx context.Context, cfg *config.Config) error {
	s.mu.Lock()
	switch {
	case s.stopped:
		s.mu.Unlock()
		return errStopped
	case s.started:
		s.mu.Unlock()
		return errors.New("scheduler already started")
	}
	s.started = true
	s.mu.Unlock()

	context.AfterFunc(ctx, s.cancel)
	if err := s.Sync(cfg); err != nil {
		return err
	}
	s.cron.Start()
	if cfg.Fetch.RunOnStart {
		s.mu.Lock()
		names := append([]string(nil), s.order...)
		s.mu.Unlock()
		for _, name := range names {
			_ = s.background(name, startRun)
		}
	}
	return nil
}

// Refresh fetches the source now in the background, without jitter and
// ignoring not-before times (backoff, upstream cache hints): it is the
// operator's "fetch now". When a fetch of the source is running, the
// refresh follows it: that fetch may have begun before what the operator
// fixed (the upstream, a full disk), so it cannot stand in for the refresh.
// Refreshes made during one fetch make one more fetch, not one each.
func (s *Scheduler) Refresh(name string) error {
	return s.background(name, forcedRun)
}

// background starts one fetch of the source in its own goroutine unless one
// is running; a forced run then follows the running one (see end).
func (s *Scheduler) background(name string, why trigger) error {
	e, err := s.lookup(name)
	if err != nil {
		return err
	}
	ctx, ok := s.begin(e, s.ctx)
	if !ok {
		if why == forcedRun {
			s.mu.Lock()
			if s.running[name] != nil {
				s.again[name] = true
			}
			s.mu.Unlock()
		}
		return nil
	}
	s.enqueue(&job{e: e, ctx: ctx, why: why, tick: s.opts.Now(), begun: time.Now()}, 0)
	return nil
}

// enqueue queues a begun job to start after wait, or ends it when the
// scheduler is shutting down.
func (s *Scheduler) enqueue(j *job, wait time.Duration) {
	if !s.queue.push(s.ctx, j, wait) {
		s.end(j.e.cfg.Name)
	}
}

// startJob runs a job the queue started, in its own goroutine. A scheduled
// run whose upstream asked to wait a little (within its jitter window) goes
// back to the queue for that long instead of holding a goroutine.
func (s *Scheduler) startJob(j *job) {
	go func() {
		wait := s.runJob(j)
		s.queue.finish(j.e.host)
		if wait > 0 {
			j.waited += wait
			s.enqueue(j, wait)
			return
		}
		s.end(j.e.cfg.Name)
	}()
}

func (s *Scheduler) runJob(j *job) (wait time.Duration) {
	defer s.recoverFetch(j.e.cfg.Name)
	wait, _ = s.fetch(j)
	return wait
}

// dropJob ends a queued job that will not run: its source was removed or
// the scheduler stopped.
func (s *Scheduler) dropJob(j *job) { s.end(j.e.cfg.Name) }

// queueLimits are how many queued fetches may run at once per host and in
// all: twice fetch.concurrency in all, so that the next ones read their
// state while the others fetch (the semaphores in acquire are what bound
// the fetches themselves).
func (s *Scheduler) queueLimits() (perHost, all int) {
	all = 1 << 30
	if n := s.global.Limit(); n > 0 {
		all = 2 * n
	}
	return s.hosts.Limit(), all
}

// RunOnce fetches the source now and waits for the fetch to be stored. It
// returns the fetch's error; a fetch skipped for politeness (NotBefore,
// another replica's lease) returns nil.
func (s *Scheduler) RunOnce(ctx context.Context, name string) error {
	e, err := s.lookup(name)
	if err != nil {
		return err
	}
	ctx, ok := s.begin(e, ctx)
	if !ok {
		return fmt.Errorf("source %s: a fetch is already running", name)
	}
	defer s.end(name)
	// A start run never waits: it is not jittered, and a not-before
	// ahead skips it.
	_, err = s.fetch(&job{e: e, ctx: ctx, why: startRun, tick: s.opts.Now()})
	return err
}

// Stop stops scheduling and waits for fetches in flight until ctx is done;
// then it cancels them, waits for them to return and reports ctx's error.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	s.mu.Unlock()

	cronDone := s.cron.Stop()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		<-cronDone.Done()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return fmt.Errorf("stop scheduler: %w", ctx.Err())
	}
}

func (s *Scheduler) lookup(name string) (*entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, errStopped
	}
	e, ok := s.entries[name]
	if !ok {
		return nil, ErrUnknownSource
	}
	return e, nil
}

// begin marks a fetch of e as running and returns its context, derived from
// parent; false when the scheduler stopped, e was removed or replaced, or a
// fetch of the source runs (or is queued). A true result must be paired
// with end.
func (s *Scheduler) begin(e *entry, parent context.Context) (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := e.cfg.Name
	if s.stopped || e.removed || s.running[name] != nil {
		return nil, false
	}
	ctx, cancel := context.WithCancel(parent)
	if parent != s.ctx {
		// RunOnce's context: Stop cancels it too.
		stop := context.AfterFunc(s.ctx, cancel)
		cancelRun := cancel
		cancel = func() { stop(); cancelRun() }
	}
	s.running[name] = cancel
	s.wg.Add(1)
	return ctx, true
}

// recoverFetch logs a fetch's panic instead of crashing the daemon; a
// deferred end still releases the source.
func (s *Scheduler) recoverFetch(name string) {
	if r := recover(); r != nil {
		s.log.Error("fetch panicked", "source", name, "panic", r)
	}
}

// end marks the fetch of name as ended, and starts the refresh requested
// while it ran, if any. It starts it before releasing the fetch's share of
// wg, so that Stop never sees a moment with nothing in flight between the
// two.
func (s *Scheduler) end(name string) {
	s.mu.Lock()
	cancel := s.running[name]
	delete(s.running, name)
	again := s.again[name]
	delete(s.again, name)
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if again {
		// Errors mean the source was removed or the scheduler stopped:
		// then there is nothing to refresh.
		_ = s.background(name, forcedRun)
	}
	s.wg.Done()
}
