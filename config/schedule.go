package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a parsed schedule, read once by Parse: the spec as written,
// the cron schedule it means (wall-clock fields in UTC unless the spec
// names a zone) and its interval. Downstream packages use it as is.
type Schedule struct {
	// Spec is the schedule as written (the source's, else fetch.schedule).
	Spec string
	cron.Schedule
	// Interval is the shortest gap between consecutive runs, the period
	// that jitter and cache lifetimes derive from.
	Interval time.Duration
}

// intervalRuns is how many consecutive runs the interval is taken over: a
// weekday schedule's gaps differ, and the shortest is the one readers see.
const intervalRuns = 16

// intervalFrom is the fixed start for measuring intervals, so one spec has
// one interval whenever it is parsed.
var intervalFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseSchedule parses a cron spec: five fields ("*/15 * * * *"), or a
// descriptor ("@hourly", "@every 30m"). Wall-clock fields are read in UTC
// (the cron parser would otherwise use time.Local, which differs between
// hosts and skips or repeats times at DST changes) unless the spec starts
// with CRON_TZ= or TZ=.
func ParseSchedule(spec string) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	sched, err := parseCron(spec)
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{Spec: spec, Schedule: sched, Interval: interval(sched)}, nil
}

func parseCron(spec string) (sched cron.Schedule, err error) {
	// cron v3.0.1 slices out of range on "TZ=x" without a following field.
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return nil, fmt.Errorf("invalid schedule %q: time zone without fields", spec)
	}
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid schedule %q", spec)
		}
	}()
	if rest, ok := strings.CutPrefix(spec, "@every "); ok {
		d, err := ParseDuration(rest)
		if err != nil {
			return nil, fmt.Errorf("invalid schedule %q: %w", spec, err)
		}
		if d < time.Second {
			return nil, fmt.Errorf("invalid schedule %q: @every needs at least 1s", spec)
		}
		return cron.Every(d), nil
	}
	full := spec
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		full = "CRON_TZ=UTC " + spec
	}
	p := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	sched, err = p.Parse(full)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %w", spec, err)
	}
	return sched, nil
}

// interval is the shortest gap between the first intervalRuns runs after
// intervalFrom; zero for a schedule that never runs.
func interval(s cron.Schedule) time.Duration {
	if e, ok := s.(cron.ConstantDelaySchedule); ok {
		return e.Delay
	}
	var best time.Duration
	t := s.Next(intervalFrom)
	for range intervalRuns {
		if t.IsZero() {
			break
		}
		next := s.Next(t)
		if next.IsZero() {
			break
		}
		if d := next.Sub(t); best == 0 || d < best {
			best = d
		}
		t = next
	}
	return best
}
