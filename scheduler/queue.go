package scheduler

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// A job is one begun fetch waiting in the queue: for its time (a scheduled
// run's jitter, an upstream's not-before within it), then for room on its
// host and in all.
type job struct {
	e   *entry
	ctx context.Context // from begin
	why trigger
	// tick is the time (Options.Now) the run was asked for: its slot in
	// the schedule and the time its not-before is judged at.
	tick time.Time
	// jitter is the scheduled run's random delay; waited is how long it
	// asked to wait in the queue so far (jitter, then not-before).
	jitter, waited time.Duration
	// begun is when (wall clock) the run was asked for: time spent
	// queued behind a busy host counts as waiting too.
	begun time.Time

	at  time.Time // wall clock: when it may start
	seq uint64    // first in, first out among equal times
}

// queue holds the fetches begun and not yet running, and starts them as
// they come due: at most fetch.per_host of one host and twice
// fetch.concurrency in all at once, taking hosts in turn so that one host
// with thousands of sources does not hold up the others. A waiting fetch
// is a few words here, not a goroutine: with tens of thousands of sources
// due in the same minute, goroutines waiting their turn held hundreds of
// MiB of stacks.
type queue struct {
	run    func(*job) // starts the fetch in its own goroutine; finish is called after
	drop   func(*job) // ends a job that will not run (cancelled)
	limits func() (int, int)

	mu      sync.Mutex
	waiting jobHeap           // not yet due
	due     map[string][]*job // host -> due, first in first out
	turns   []string          // hosts with due jobs, in turn
	inTurns map[string]bool
	running map[string]int // host -> running
	total   int            // running in all
	seq     uint64
	purge   bool // drop the cancelled jobs at the next step
	closed  bool
	started bool
	wake    chan struct{}
}

func newQueue(run, drop func(*job), limits func() (perHost, all int)) *queue {
	return &queue{
		run: run, drop: drop, limits: limits,
		due:     make(map[string][]*job),
		inTurns: make(map[string]bool),
		running: make(map[string]int),
		wake:    make(chan struct{}, 1),
	}
}

// push queues j to start after wait; false once the queue is closed.
func (q *queue) push(ctx context.Context, j *job, wait time.Duration) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if !q.started {
		q.started = true
		go q.loop(ctx)
	}
	q.seq++
	j.at, j.seq = time.Now().Add(wait), q.seq
	heap.Push(&q.waiting, j)
	q.signal()
	return true
}

// reconfigured is called after a reload: jobs of removed or replaced
// sources (their contexts cancelled) are dropped now rather than when they
// come round, so their sources are free at once; hosts held back by the
// old limits are listed again, so higher limits start jobs now.
func (q *queue) reconfigured() {
	q.mu.Lock()
	q.purge = true
	for host := range q.due {
		q.turn(host)
	}
	q.signal()
	q.mu.Unlock()
}

// finish records that a job of host stopped running.
func (q *queue) finish(host string) {
	q.mu.Lock()
	q.running[host]--
	if q.running[host] <= 0 {
		delete(q.running, host)
	}
	q.total--
	if len(q.due[host]) > 0 {
		q.turn(host)
	}
	q.signal()
	q.mu.Unlock()
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// turn lists host among the hosts to take jobs from, once.
func (q *queue) turn(host string) {
	if !q.inTurns[host] {
		q.inTurns[host] = true
		q.turns = append(q.turns, host)
	}
}

// loop starts due jobs until ctx is done, then drops every queued job.
func (q *queue) loop(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		next := q.step(time.Now())
		if !next.IsZero() {
			timer.Reset(time.Until(next))
		}
		select {
		case <-ctx.Done():
			q.close()
			return
		case <-q.wake:
		case <-timer.C:
		}
	}
}

// step moves the jobs due by now to their hosts, starts those there is
// room for, and returns when the next waiting job comes due (zero: none).
func (q *queue) step(now time.Time) time.Time {
	q.mu.Lock()
	var dropped []*job
	if q.purge {
		q.purge = false
		dropped = q.takeCancelled()
	}
	for len(q.waiting) > 0 && !q.waiting[0].at.After(now) {
		j := heap.Pop(&q.waiting).(*job)
		q.due[j.e.host] = append(q.due[j.e.host], j)
		q.turn(j.e.host)
	}
	perHost, all := q.limits()
	var start []*job
	for len(q.turns) > 0 && q.total < all {
		host := q.turns[0]
		q.turns = q.turns[1:]
		delete(q.inTurns, host)
		list := q.due[host]
		if len(list) == 0 || (host != "" && perHost > 0 && q.running[host] >= perHost) {
			continue // listed again when one of its jobs finishes, or on a reload
		}
		j := list[0]
		list[0] = nil
		if list = list[1:]; len(list) == 0 {
			delete(q.due, host)
		} else {
			q.due[host] = list
			q.turn(host) // its turn again after the others'
		}
		if j.ctx.Err() != nil {
			dropped = append(dropped, j)
			continue
		}
		q.running[host]++
		q.total++
		start = append(start, j)
	}
	var next time.Time
	if len(q.waiting) > 0 {
		next = q.waiting[0].at
	}
	q.mu.Unlock()
	for _, j := range dropped {
		q.drop(j)
	}
	for _, j := range start {
		q.run(j)
	}
	return next
}

// takeCancelled removes the queued jobs whose contexts are cancelled and
// returns them; the caller holds q.mu.
func (q *queue) takeCancelled() []*job {
	var out []*job
	kept := q.waiting[:0]
	for _, j := range q.waiting {
		if j.ctx.Err() != nil {
			out = append(out, j)
		} else {
			kept = append(kept, j)
		}
	}
	clear(q.waiting[len(kept):])
	q.waiting = kept
	heap.Init(&q.waiting)
	for host, list := range q.due {
		live := list[:0]
		for _, j := range list {
			if j.ctx.Err() != nil {
				out = append(out, j)
			} else {
				live = append(live, j)
			}
		}
		clear(list[len(live):])
		if len(live) == 0 {
			delete(q.due, host)
		} else {
			q.due[host] = live
		}
	}
	return out
}

// close refuses new jobs and drops the queued ones.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	var all []*job
	for _, j := range q.waiting {
		all = append(all, j)
	}
	for _, list := range q.due {
		all = append(all, list...)
	}
	q.waiting, q.due, q.turns = nil, map[string][]*job{}, nil
	clear(q.inTurns)
	q.mu.Unlock()
	for _, j := range all {
		q.drop(j)
	}
}

// jobHeap orders jobs by start time, then by arrival.
type jobHeap []*job

func (h jobHeap) Len() int { return len(h) }
func (h jobHeap) Less(i, k int) bool {
	if !h[i].at.Equal(h[k].at) {
		return h[i].at.Before(h[k].at)
	}
	return h[i].seq < h[k].seq
}
func (h jobHeap) Swap(i, k int) { h[i], h[k] = h[k], h[i] }
func (h *jobHeap) Push(x any)   { *h = append(*h, x.(*job)) }
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return j
}
