// Package scheduler runs each configured source on its cron schedule, within
// a global and a per-host concurrency limit, with jitter and backoff, and
// stores what the sources yield.
package scheduler

import (
	"errors"
	"time"
)

// ErrUnknownSource is returned for a source name that is not configured.
var ErrUnknownSource = errors.New("unknown source")

// SourceStatus is what the status page shows about one source.
type SourceStatus struct {
	Name        string
	Kind        string
	Schedule    string
	Items       int
	LastFetch   time.Time
	LastSuccess time.Time
	LastError   string
	Failures    int
	NextRun     time.Time
}
