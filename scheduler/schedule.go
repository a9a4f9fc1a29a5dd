package scheduler

import (
	"time"

	"github.com/tributaryfeeds/tributary/config"
)

const (
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

// jitterBound is the exclusive upper bound of the random delay before a
// scheduled fetch: a tenth of the interval, at most maxJitter.
func jitterBound(s config.Schedule) time.Duration {
	return min(s.Interval/10, maxJitter)
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

// deadline bounds one whole fetch of src; timeout is fetch.timeout, the
// bound of one request. A paginated source gets one timeout per page.
func deadline(timeout time.Duration, src *config.Source) time.Duration {
	pages := 1
	if src.Compiled != nil {
		pages = max(src.Compiled.Pages, 1)
	}
	if src.FullText {
		return (fullTextFactor + time.Duration(pages-1)) * timeout
	}
	return time.Duration(pages)*timeout + fetchSlack
}
