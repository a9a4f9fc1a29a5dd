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
	best := time.Duration(maxMaxAge) * time.Second
	if d := shortestInterval(cfg, names); d > 0 && d < best {
		best = d
	}
	secs := max(int(best/time.Second), minMaxAge)
	return fmt.Sprintf("public, max-age=%d", min(secs, maxMaxAge))
}

// shortestInterval is the shortest time between two runs of any of the
// sources' schedules (the RSS <ttl>); zero when none can be read.
func shortestInterval(cfg *config.Config, names []string) time.Duration {
	var best time.Duration
	for _, name := range names {
		src, ok := cfg.Source(name)
		if !ok {
			continue
		}
		if src.Compiled == nil {
			continue
		}
		if d := src.Compiled.Schedule.Interval; d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	return best
}
