package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/store"
)

// Sync applies a new configuration: it schedules new sources, removes
// deleted ones (cancelling their fetch in flight), replaces changed ones and
// applies the new limits. Unchanged sources keep their timers and state.
// Every source is built before anything changes, so an error leaves the
// running schedule as it was.
func (s *Scheduler) Sync(cfg *config.Config) error {
	if cfg == nil {
		return errors.New("sync scheduler: nil config")
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()

	s.mu.Lock()
	stopped := s.stopped
	current := make(map[string]*entry, len(s.entries))
	if s.client == cfg.Client {
		for name, e := range s.entries {
			current[name] = e
		}
	} // else every source is rebuilt, with a client made for the new settings
	s.mu.Unlock()
	if stopped {
		return errStopped
	}

	next, order, err := s.plan(cfg, current)
	if err != nil {
		return err
	}
	s.apply(cfg, next, order)
	return nil
}

// plan returns the entries the configuration asks for: current ones where
// nothing changed, new (unscheduled) ones otherwise.
func (s *Scheduler) plan(cfg *config.Config, current map[string]*entry) (map[string]*entry, []string, error) {
	next := make(map[string]*entry, len(cfg.Sources))
	order := make([]string, 0, len(cfg.Sources))
	var errs []error
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		if _, dup := next[src.Name]; dup {
			errs = append(errs, fmt.Errorf("source %s: duplicate name", src.Name))
			continue
		}
		if old := current[src.Name]; old != nil && old.cfg.Same(src) {
			next[src.Name] = old
			order = append(order, src.Name)
			continue
		}
		e, err := s.newEntry(*src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		next[src.Name] = e
		order = append(order, src.Name)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, fmt.Errorf("sync scheduler: %w", err)
	}
	return next, order, nil
}

func (s *Scheduler) newEntry(src config.Source) (*entry, error) {
	if src.Compiled == nil || src.Compiled.Schedule.Schedule == nil {
		return nil, fmt.Errorf("source %s: not compiled", src.Name)
	}
	if s.opts.Build == nil {
		return nil, fmt.Errorf("source %s: no Build function", src.Name)
	}
	built, err := s.opts.Build(src)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	if built == nil {
		return nil, fmt.Errorf("source %s: Build returned no source", src.Name)
	}
	return &entry{cfg: src, sched: src.Compiled.Schedule, src: built, host: src.Compiled.Host}, nil
}

// apply swaps in the planned entries: it unschedules and cancels the ones
// that are gone or replaced, and schedules the new ones.
func (s *Scheduler) apply(cfg *config.Config, next map[string]*entry, order []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, old := range s.entries {
		if next[name] != old {
			s.cron.Remove(old.id)
			old.removed = true
			// A fetch running now is of the old entry: the new one
			// is not in s.entries yet.
			if cancel := s.running[name]; cancel != nil {
				cancel()
			}
			if _, kept := next[name]; !kept {
				s.release(name)
			}
		}
	}
	for _, e := range next {
		if e.id != 0 {
			continue // kept as it was
		}
		e.id = s.cron.Schedule(e.sched.Schedule, cron.FuncJob(func() { s.scheduled(e) }))
	}
	s.entries, s.order, s.client = next, order, cfg.Client
	s.global.SetLimit(cfg.Fetch.Concurrency)
	s.hosts.SetLimit(cfg.Fetch.PerHost)
	s.queue.reconfigured()
}

// release gives up the claim on a source removed from the configuration, so
// that a replica still configured with it takes it over at once.
func (s *Scheduler) release(name string) {
	c, ok := s.opts.Store.(store.Claimer)
	if !ok {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.ReleaseSource(ctx, name); err != nil {
			s.log.Warn("release claim", "source", name, "err", err)
		}
	}()
}
