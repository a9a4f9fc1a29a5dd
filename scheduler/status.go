package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributaryfeeds/tributary/store"
)

// Status reports every configured source in config order: stored item
// count, fetch state and next run (the later of the cron entry's next run
// and the upstream's NotBefore).
func (s *Scheduler) Status(ctx context.Context) ([]SourceStatus, error) {
	now := s.opts.Now()
	s.mu.Lock()
	out := make([]SourceStatus, 0, len(s.order))
	entries := make([]*entry, 0, len(s.order))
	for _, name := range s.order {
		e := s.entries[name]
		out = append(out, SourceStatus{Name: name, Kind: e.cfg.Kind, Schedule: e.sched.Spec, Expect: e.cfg.Compiled.Expect})
		entries = append(entries, e)
	}
	s.mu.Unlock()

	counts, err := s.opts.Store.Counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	list, err := s.opts.Store.States(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	states := make(map[string]store.State, len(list))
	for _, st := range list {
		states[st.Source] = st
	}
	// One snapshot for all: cron.Entry copies every entry on each call,
	// which made this quadratic in the number of sources.
	next := make(map[cron.EntryID]time.Time, len(entries))
	for _, ce := range s.cron.Entries() {
		next[ce.ID] = ce.Next
	}
	for i := range out {
		st := states[out[i].Name]
		out[i].Items = counts[out[i].Name]
		out[i].LastFetch, out[i].LastSuccess = st.LastFetch, st.LastSuccess
		out[i].LastError, out[i].Failures = st.LastError, st.Failures
		out[i].NextRun = next[entries[i].id]
		if st.NotBefore.After(out[i].NextRun) {
			out[i].NextRun = st.NotBefore
		}
		out[i].LastNewItem = st.LastNewItem
		out[i].Health = healthOf(st, out[i].Expect, now)
	}
	return out, nil
}
