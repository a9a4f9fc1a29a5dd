package server

import (
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/metrics"
)

// route is the "route" label of tributary_http_requests_total.
type route uint8

const (
	routeFeed route = iota
	routeIndex
	routeOPML
	routeStatus
	routeHealth
	routeMetrics
	routeAdmin
	routeAsset
	routeWebSub
	routeOther
	numRoutes
)

func (r route) String() string {
	switch r {
	case routeFeed:
		return "feed"
	case routeIndex:
		return "index"
	case routeOPML:
		return "opml"
	case routeStatus:
		return "status"
	case routeHealth:
		return "health"
	case routeMetrics:
		return "metrics"
	case routeAdmin:
		return "admin"
	case routeAsset:
		return "asset"
	case routeWebSub:
		return "websub"
	}
	return "other"
}

// formatLabel is the "format" label: a feed format, or none.
type formatLabel uint8

const (
	labelRSS formatLabel = iota
	labelAtom
	labelJSON
	labelHTML
	noFormat
	numFormatLabels
)

func (f formatLabel) String() string {
	switch f {
	case labelRSS:
		return "rss"
	case labelAtom:
		return "atom"
	case labelJSON:
		return "json"
	case labelHTML:
		return "html"
	}
	return ""
}

func labelOf(f feeds.Format) formatLabel {
	switch f {
	case feeds.RSS:
		return labelRSS
	case feeds.Atom:
		return labelAtom
	case feeds.JSON:
		return labelJSON
	}
	return noFormat
}

// numCodeSlots is how many status codes have a pre-resolved counter slot.
const numCodeSlots = 9

// codeSlot returns code's counter slot, or -1 for a rare code that falls
// back to WithLabelValues.
func codeSlot(code int) int {
	switch code {
	case 200:
		return 0
	case 304:
		return 1
	case 404:
		return 2
	case 202:
		return 3
	case 400:
		return 4
	case 401:
		return 5
	case 405:
		return 6
	case 500:
		return 7
	case 503:
		return 8
	}
	return -1
}

// counters caches one prometheus.Counter per (route, format, code) so that
// counting a request is an atomic load and an add, never a label lookup.
// Slots fill lazily: series appear only once they have been seen.
type counters struct {
	vec   *prometheus.CounterVec
	slots [numRoutes][numFormatLabels][numCodeSlots]atomic.Pointer[prometheus.Counter]
}

func newCounters(m *metrics.Metrics) *counters {
	return &counters{vec: m.HTTPRequests}
}

// inc counts one request; a nil *counters (no metrics) does nothing.
func (c *counters) inc(rt route, f formatLabel, code int) {
	if c == nil {
		return
	}
	i := codeSlot(code)
	if i < 0 {
		c.vec.WithLabelValues(rt.String(), f.String(), strconv.Itoa(code)).Inc()
		return
	}
	slot := &c.slots[rt][f][i]
	if p := slot.Load(); p != nil {
		(*p).Inc()
		return
	}
	// Two requests racing here resolve the same child; either store is fine.
	ctr := c.vec.WithLabelValues(rt.String(), f.String(), strconv.Itoa(code))
	slot.Store(&ctr)
	ctr.Inc()
}
