package scheduler

import (
	"context"
	"fmt"

	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
)

// Ingest stores items that an upstream pushed (WebSub) for the named
// source, through the same path as a fetch's result: the source's keep
// limit, the metrics and OnChange. Fetch state (validators, backoff) is
// left alone: a push says nothing about the next poll, which still runs on
// schedule as the fallback.
func (s *Scheduler) Ingest(ctx context.Context, name string, items []sources.Item) error {
	e, err := s.lookup(name)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", name, err)
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return fmt.Errorf("ingest %s: %w", name, errStopped)
	}
	s.wg.Add(1) // Stop waits for it like for a fetch
	s.mu.Unlock()
	defer s.wg.Done()
	start := s.opts.Now()
	o, err := s.save(ctx, e, &sources.Result{Items: items})
	if err != nil {
		o.kind = metrics.OutcomeError
	}
	s.report(name, o, s.opts.Now().Sub(start), err)
	if err == nil && o.new > 0 {
		s.noteNewItems(ctx, name)
	}
	if err == nil && o.changed() && s.opts.OnChange != nil {
		s.opts.OnChange(name)
	}
	return err
}
