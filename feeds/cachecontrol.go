package feeds

import (
	"fmt"
	"time"

	"github.com/tributaryfeeds/tributary/config"
)

// Cache lifetimes are kept between a minute (so a burst of readers is
// absorbed) and an hour (so a slow schedule does not hide a manual refresh).
const (
	minMaxAge = 60
	maxMaxAge = 3600
)

// cacheControl derives the Cache-Control header from the shortest schedule
// interval of the given sources.
func cacheControl(cfg *config.Config, names []string) string {
	return cacheControlOf(shortestInterval(sourceLookup(cfg), names))
}

// cacheControlOf is the Cache-Control header for a shortest interval.
func cacheControlOf(d time.Duration) string {
	best := time.Duration(maxMaxAge) * time.Second
	if d > 0 && d < best {
		best = d
	}
	secs := max(int(best/time.Second), minMaxAge)
	return fmt.Sprintf("public, max-age=%d", min(secs, maxMaxAge))
}

// shortestInterval is the shortest time between two runs of any of the
// sources' schedules (the RSS <ttl>); zero when none can be read.
func shortestInterval(lookup func(string) *config.Source, names []string) time.Duration {
	var best time.Duration
	for _, name := range names {
		src := lookup(name)
		if src == nil || src.Compiled == nil {
			continue
		}
		if d := src.Compiled.Schedule.Interval; d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	return best
}

// sourceLookup finds cfg's sources by name through a map built once: with
// thousands of feeds, a scan per source of each feed would be quadratic.
func sourceLookup(cfg *config.Config) func(string) *config.Source {
	byName := make(map[string]*config.Source, len(cfg.Sources))
	for i := range cfg.Sources {
		if _, dup := byName[cfg.Sources[i].Name]; !dup {
			byName[cfg.Sources[i].Name] = &cfg.Sources[i]
		}
	}
	return func(name string) *config.Source { return byName[name] }
}
