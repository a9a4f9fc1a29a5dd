package scheduler

import (
	"context"
	"fmt"

	"github.com/tributaryfeeds/tributary/sources"
)

// Ingest stores items that an upstream pushed (WebSub) for the named
// source, through the same path as a fetch's result: the source's keep
// limit, tributary_items_ingested_total and OnChange. Fetch state (validators, backoff) is
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
	o, err := s.save(ctx, e, &sources.Result{Items: items})
	if err != nil {
		s.log.Warn("pushed items", "source", name, "err", err)
	} else {
		// Not a fetch: logged and counted as items only, so fetch counts
		// and durations stay about polling.
		s.log.Info("pushed items", "source", name, "new", o.new, "updated", o.updated)
		if m := s.opts.Metrics; m != nil {
			m.Ingested(name, o.new, o.updated)
		}
	}
	if err == nil && o.new > 0 {
		s.noteNewItems(ctx, name)
	}
	if err == nil && o.changed() && s.opts.OnChange != nil {
		s.opts.OnChange(name)
	}
	return err
}
