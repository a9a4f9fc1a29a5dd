package scheduler

import (
	"context"
	"fmt"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/store"
)

// Status reports every configured source in config order: stored item
// count, fetch state and next run (the later of the cron entry's next run
// and the upstream's NotBefore).
func (s *Scheduler) Status(ctx context.Context) ([]SourceStatus, error) {
	s.mu.Lock()
	out := make([]SourceStatus, 0, len(s.order))
	ids := make([]*entry, 0, len(s.order))
	for _, name := range s.order {
		e := s.entries[name]
		kind := e.cfg.Kind
		if kind == "" {
			kind = config.KindFeed
		}
		out = append(out, SourceStatus{Name: name, Kind: kind, Schedule: e.spec})
		ids = append(ids, e)
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
	for i := range out {
		st := states[out[i].Name]
		out[i].Items = counts[out[i].Name]
		out[i].LastFetch, out[i].LastSuccess = st.LastFetch, st.LastSuccess
		out[i].LastError, out[i].Failures = st.LastError, st.Failures
		out[i].NextRun = s.cron.Entry(ids[i].id).Next
		if st.NotBefore.After(out[i].NextRun) {
			out[i].NextRun = st.NotBefore
		}
	}
	return out, nil
}
