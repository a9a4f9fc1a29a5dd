package scheduler

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// scheduled is the cron job of one source: a jittered fetch, queued. It
// recovers from a panic itself (cron's Recover wrapper is not used), before
// anything is begun that would need ending.
func (s *Scheduler) scheduled(e *entry) {
	defer s.recoverFetch(e.cfg.Name)
	tick, begun, jitter := s.opts.Now(), time.Now(), s.jitter(e)
	ctx, ok := s.begin(e, s.ctx)
	if !ok {
		s.log.Debug("fetch skipped: already running", "source", e.cfg.Name)
		return
	}
	s.enqueue(&job{e: e, ctx: ctx, why: scheduledRun, tick: tick, begun: begun, jitter: jitter, waited: jitter}, jitter)
}

// trigger says why a fetch runs, which decides how it treats politeness.
type trigger int

const (
	// scheduledRun is a cron tick: jittered, and skipped while the
	// upstream's or our backoff's not-before time is ahead.
	scheduledRun trigger = iota
	// startRun is run_on_start or RunOnce: no jitter, still polite.
	startRun
	// forcedRun is an operator's refresh: it ignores not-before times,
	// which is what an operator who fixed an upstream wants.
	forcedRun
)

// fetch runs one fetch of j's source unless politeness says to wait or
// skip, and records the outcome. A positive wait asks to be run again after
// that long. The caller holds the source's running flag.
func (s *Scheduler) fetch(j *job) (wait time.Duration, err error) {
	ctx, e := j.ctx, j.e
	name := e.cfg.Name
	// The run's slot in the schedule: the next one comes round after it,
	// whenever (after jitter, waits and the fetch) the fetch ends.
	due := e.sched.Next(j.tick)
	st, err := s.state(ctx, name)
	if err != nil {
		s.log.Error("fetch skipped: load state", "source", name, "err", err)
		return 0, err
	}
	wait, ok := s.delay(j, st)
	if !ok {
		s.log.Debug("fetch skipped: not before", "source", name, "not_before", st.NotBefore)
		return 0, nil
	}
	if wait > 0 {
		return wait, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	limit := deadline(s.timeout(), &e.cfg)
	if ok, err := s.claim(ctx, name); !ok {
		return 0, err
	}
	ctx, release, err := s.acquire(ctx, e.host)
	if err != nil {
		return 0, err
	}
	defer release()
	if shared(s.opts.Store) {
		// Another replica may have fetched the source while this one
		// waited for its claim or a slot: read the shared state again.
		if st, err = s.state(ctx, name); err != nil {
			return 0, err
		}
		if _, ok := s.delay(j, st); !ok {
			s.log.Debug("fetch skipped: fetched by another replica", "source", name, "next_due", st.NextDue)
			return 0, nil
		}
	}
	st.NextDue = due
	return 0, s.run(ctx, e, st, limit)
}

// shared reports whether the store is shared by replicas, which then split
// the sources between them through claims.
func shared(st store.Store) bool {
	_, ok := st.(store.Claimer)
	return ok
}

// run calls the source and records the outcome.
func (s *Scheduler) run(ctx context.Context, e *entry, st store.State, limit time.Duration) error {
	name := e.cfg.Name
	start := s.opts.Now()
	res, err := s.call(ctx, e, st, limit)
	var o outcome
	if err == nil {
		o, err = s.save(ctx, e, res)
	}
	now := s.opts.Now()
	if err != nil && ctx.Err() != nil {
		// Abandoned (source removed, scheduler stopped): not the
		// upstream's fault, so no failure is recorded.
		s.log.Info("fetch cancelled", "source", name, "err", err)
		return err
	}
	if err != nil {
		s.failed(ctx, st, err, now)
		o.kind = metrics.OutcomeError
	} else {
		if o.new > 0 {
			st.LastNewItem = now
		}
		s.succeeded(ctx, st, res, now)
	}
	s.report(name, o, now.Sub(start), err)
	s.record(ctx, name, o, res, err, now, now.Sub(start))
	if err == nil && o.changed() && s.opts.OnChange != nil {
		s.opts.OnChange(name)
	}
	return err
}

// call runs the source's Fetch under a deadline. A panic in the source is
// turned into an error so the source is recorded as failing rather than
// taking the process down.
func (s *Scheduler) call(ctx context.Context, e *entry, st store.State, limit time.Duration) (res *sources.Result, err error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("source panicked", "source", e.cfg.Name, "panic", r, "stack", string(debug.Stack()))
			res, err = nil, fmt.Errorf("source %s panicked: %v", e.cfg.Name, r)
		}
	}()
	req := sources.Request{ETag: st.ETag, LastModified: st.LastModified, Known: s.known(e.cfg.Name), Keep: e.cfg.Compiled.Keep}
	res, err = e.src.Fetch(ctx, req)
	if err == nil && res == nil {
		err = errors.New("source returned no result")
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", e.cfg.Name, err)
	}
	return res, nil
}

// outcome is what one fetch changed.
type outcome struct {
	kind    string
	new     int
	updated int
	pruned  int64
}

func (o outcome) changed() bool { return o.new+o.updated > 0 || o.pruned > 0 }

// save stores a successful result and prunes the source to its limit.
func (s *Scheduler) save(ctx context.Context, e *entry, res *sources.Result) (outcome, error) {
	if res.NotModified {
		// Nothing arrived, so nothing needs pruning.
		return outcome{kind: metrics.OutcomeNotModified}, nil
	}
	name := e.cfg.Name
	o := outcome{kind: metrics.OutcomeOK}
	// keep bounds one fetch too: a feed of 100,000 items stores the
	// newest keep, and says so.
	sources.KeepNewest(res, e.cfg.Compiled.Keep)
	sources.CapContent(res)
	for i := range res.Items {
		res.Items[i].Source = name
	}
	stats, err := s.opts.Store.Upsert(ctx, name, res.Items, s.opts.Now())
	s.opts.Health.Record(err, s.opts.Now())
	if err != nil {
		return o, fmt.Errorf("store %s: %w", name, err)
	}
	o.new, o.updated = stats.New, stats.Updated
	// What this fetch stored is never more than keep (KeepNewest above),
	// so pruning to keep never drops an item the upstream lists now, which
	// would come back as new, with a new first-seen date, every cycle.
	n, err := s.opts.Store.Prune(ctx, name, e.cfg.Compiled.Keep)
	s.opts.Health.Record(err, s.opts.Now())
	if err != nil {
		return o, fmt.Errorf("prune %s: %w", name, err)
	}
	o.pruned = n
	return o, nil
}

// succeeded records a successful fetch and the upstream's validators.
func (s *Scheduler) succeeded(ctx context.Context, st store.State, res *sources.Result, now time.Time) {
	st.LastFetch, st.LastSuccess = now, now
	st.LastError = joinWarnings(res.Warnings)
	st.Failures = 0
	if res.ETag != "" || res.LastModified != "" || !res.NotModified {
		st.ETag, st.LastModified = res.ETag, res.LastModified
	}
	st.NotBefore = res.NotBefore
	s.setState(ctx, st)
}

// failed records a failed fetch and backs off: exponentially, or longer
// when the upstream asked (Retry-After). Validators are kept so the next
// fetch can still be conditional.
func (s *Scheduler) failed(ctx context.Context, st store.State, err error, now time.Time) {
	st.LastFetch = now
	st.LastError = errorText(err)
	st.Failures++
	d := backoff(st.Failures)
	d += s.random(d / 10)
	st.NotBefore = now.Add(d)
	if t := sources.NotBefore(err); t.After(st.NotBefore) {
		st.NotBefore = t
	}
	s.setState(ctx, st)
}

func (s *Scheduler) setState(ctx context.Context, st store.State) {
	err := s.opts.Store.SetState(ctx, st)
	s.opts.Health.Record(err, s.opts.Now())
	if err != nil {
		s.log.Error("save fetch state", "source", st.Source, "err", err)
	}
}

// report logs the fetch and records its metrics.
func (s *Scheduler) report(name string, o outcome, took time.Duration, err error) {
	attrs := []any{"source", name, "outcome", o.kind, "new", o.new, "updated", o.updated, "duration", took}
	if err != nil {
		// WARN, so that -log-level warn still shows every failing source.
		s.log.Warn("fetch", append(attrs, "err", err)...)
	} else {
		s.log.Info("fetch", attrs...)
	}
	m := s.opts.Metrics
	if m == nil {
		return
	}
	m.Fetched(name, o.kind, took)
	m.Ingested(name, o.new, o.updated)
}

// state returns the stored fetch state of a source, empty when it has none.
func (s *Scheduler) state(ctx context.Context, name string) (store.State, error) {
	st, err := s.opts.Store.State(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return store.State{Source: name}, nil
	}
	if err != nil {
		return store.State{}, fmt.Errorf("state of %s: %w", name, err)
	}
	st.Source = name
	return st, nil
}

// claim reports whether this replica may fetch the source now: it holds
// the source's claim, or the store is not shared (store.Claimer).
func (s *Scheduler) claim(ctx context.Context, name string) (bool, error) {
	c, ok := s.opts.Store.(store.Claimer)
	if !ok {
		return true, nil
	}
	held, err := c.ClaimSource(ctx, name)
	if err != nil {
		s.log.Warn("fetch skipped: claim", "source", name, "err", err)
		return false, fmt.Errorf("claim %s: %w", name, err)
	}
	if !held {
		s.log.Debug("fetch skipped: claimed by another replica", "source", name)
	}
	return held, nil
}

func (s *Scheduler) known(name string) func(context.Context, string) bool {
	return func(ctx context.Context, id string) bool {
		ok, err := s.opts.Store.Has(ctx, name, id)
		return err == nil && ok
	}
}

// acquire holds a per-host slot for the fetch, then takes a global one.
// Host first, so fetches queued behind a busy host do not hold global slots
// that other hosts could use. The returned context carries the host's slot:
// the fetch's requests to its own host borrow it (see limit.Hosts).
func (s *Scheduler) acquire(ctx context.Context, host string) (context.Context, func(), error) {
	ctx, releaseHost, err := s.hosts.Hold(ctx, host)
	if err != nil {
		return ctx, nil, err
	}
	if err := s.global.Acquire(ctx); err != nil {
		releaseHost()
		return ctx, nil, err
	}
	return ctx, func() {
		s.global.Release()
		releaseHost()
	}, nil
}

// delay is how long to wait before fetching, or false to skip this run
// because the upstream asked not to be fetched yet, or (on a shared store)
// because the source is not due: another replica fetched it in this slot
// of the schedule, before it died or gave the source up. A scheduled run waits
// for a NotBefore that falls within its jitter window instead of skipping:
// otherwise a feed whose max-age equals its schedule interval would be
// fetched only every other time.
//
// The time to wait is counted from the job's tick, less what it has waited
// in the queue already (its jitter, first, and any time behind a busy
// host): a scheduled run waits for the later of its jitter and its
// not-before.
func (s *Scheduler) delay(j *job, st store.State) (time.Duration, bool) {
	if j.why == forcedRun {
		return 0, true
	}
	var grace time.Duration
	if j.why == scheduledRun {
		grace = jitterBound(j.e.sched)
	}
	notBefore := st.NotBefore
	if shared(s.opts.Store) && st.NextDue.After(notBefore) {
		notBefore = st.NextDue
	}
	ahead := notBefore.Sub(j.tick)
	if ahead > grace {
		return 0, false
	}
	waited := j.waited
	if !j.begun.IsZero() {
		waited = max(waited, time.Since(j.begun))
	}
	return max(j.jitter, ahead) - waited, true
}

// jitter is a random delay in [0, min(interval/10, 5m)) so that sources on
// the same schedule do not all fire in the same second.
func (s *Scheduler) jitter(e *entry) time.Duration {
	return s.random(jitterBound(e.sched))
}

// random returns a duration in [0, n), or 0 when n is not positive.
func (s *Scheduler) random(n time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	d := time.Duration(s.opts.Rand(int64(n)))
	if d < 0 || d >= n {
		return 0
	}
	return d
}

// timeout is fetch.timeout of the configuration applied last.
func (s *Scheduler) timeout() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client.Timeout
}
