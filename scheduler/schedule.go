package scheduler

import (
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributaryfeeds/tributary/config"
)

// Defaults for fetch settings left zero in the configuration.
const (
	defaultTimeout = 20 * time.Second

	// fetchSlack is added to fetch.timeout for the whole fetch, so a source
	// has time to parse after its HTTP request times out.
	fetchSlack = 5 * time.Second
	// fullTextFactor widens the deadline of full-text sources, which load
	// one page per new item on top of the listing.
	fullTextFactor = 5

	maxJitter  = 5 * time.Minute
	minBackoff = time.Minute
	maxBackoff = 6 * time.Hour
)

// scheduleParser parses like config.ParseSchedule, so what validates is
// what runs, but in UTC: the cron parser otherwise reads wall-clock fields
// in time.Local, which differs between hosts and skips or repeats times at
// DST changes.
type scheduleParser struct{}

func (scheduleParser) Parse(spec string) (cron.Schedule, error) { return parseSchedule(spec) }

func parseSchedule(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if !strings.HasPrefix(spec, "@every ") && !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		spec = "CRON_TZ=UTC " + spec
	}
	return config.ParseSchedule(spec)
}

// scheduleOf is the effective schedule of src.
func scheduleOf(cfg *config.Config, src *config.Source) string {
	if spec := cfg.ScheduleOf(src); spec != "" {
		return spec
	}
	return config.DefaultSchedule
}

// interval estimates the period of a schedule from two consecutive runs.
func interval(s cron.Schedule, now time.Time) time.Duration {
	next := s.Next(now)
	if next.IsZero() {
		return 0
	}
	after := s.Next(next)
	if after.IsZero() {
		return 0
	}
	return after.Sub(next)
}

// jitterBound is the exclusive upper bound of the random delay before a
// scheduled fetch: a tenth of the interval, at most maxJitter.
func jitterBound(s cron.Schedule, now time.Time) time.Duration {
	return min(interval(s, now)/10, maxJitter)
}

// backoff is the pause after the given number of consecutive failures:
// one minute, doubling, at most six hours.
func backoff(failures int) time.Duration {
	if failures < 1 {
		failures = 1
	}
	d := minBackoff
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// deadline bounds one whole fetch of src.
func deadline(f config.Fetch, src *config.Source) time.Duration {
	t := time.Duration(f.Timeout)
	if t <= 0 {
		t = defaultTimeout
	}
	if src.FullText {
		return fullTextFactor * t
	}
	return t + fetchSlack
}

// hostOf is the host whose per-host limit src counts against; files
// sources and unparsable URLs have none.
func hostOf(src *config.Source) string {
	if src.Kind == config.KindFiles || src.URL == "" {
		return ""
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// keepOf is how many items of src to retain.
func keepOf(src *config.Source) int {
	if src.Keep > 0 {
		return src.Keep
	}
	return config.DefaultKeep
}

// limits returns the configured concurrency limits, defaulted.
func limits(f config.Fetch) (global, perHost int) {
	global, perHost = f.Concurrency, f.PerHost
	if global <= 0 {
		global = config.DefaultConcurrency
	}
	if perHost <= 0 {
		perHost = config.DefaultPerHost
	}
	return global, perHost
}
