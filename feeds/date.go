package feeds

import (
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// epoch is the date of a feed that has never had an item: fixed, so an
// empty feed's bytes (and ETag) do not change from one render to the next.
var epoch = time.Unix(0, 0).UTC()

// feedDate is when a feed's items last changed, as far as their dates tell:
// the latest of every item's date, update, first sight by the store and last
// stored change. First sight matters because a late item dated before the
// newest one still changes the feed, and the last change because upstreams
// edit items without touching their dates: a reader polling with
// If-Modified-Since must see both. The rule depends on the items alone (the
// store keeps both times), so an unchanged feed keeps its date (and bytes,
// and ETag) across restarts.
//
// Dates after now are skipped rather than clamped to now: clamping would
// date the feed anew on every render while a future item is in it. Such an
// item still counts through its first sight and last change, which the store
// dates by its own clock. Only when every date is ahead of now is the feed
// dated now.
func feedDate(items []sources.Item, now time.Time) time.Time {
	var latest time.Time
	ahead := false
	for i := range items {
		it := &items[i]
		for _, d := range [...]time.Time{it.Date(), it.Updated, it.FirstSeen, it.Changed} {
			switch {
			case d.After(now):
				ahead = true
			case d.After(latest):
				latest = d
			}
		}
	}
	switch {
	case !latest.IsZero():
		return latest.UTC().Truncate(time.Second)
	case ahead:
		return now.UTC().Truncate(time.Second)
	}
	return epoch
}
