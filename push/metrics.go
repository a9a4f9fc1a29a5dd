package push

import "github.com/prometheus/client_golang/prometheus"

// Delivery outcomes, the "outcome" label of tributary_push_deliveries_total.
const (
	outcomeSent    = "sent"
	outcomeRetry   = "retry"
	outcomeDropped = "dropped"  // its subscription, feed or hook went away
	outcomeGivenUp = "given_up" // failed MaxAttempts times
)

// collectors are push's Prometheus metrics; registered only when Options
// has a Registerer, else they count for no one.
type collectors struct {
	deliveries *prometheus.CounterVec // kind, outcome
	received   *prometheus.CounterVec // source, outcome (stored, ignored)
}

func newCollectors(reg prometheus.Registerer) (*collectors, error) {
	c := &collectors{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_push_deliveries_total",
			Help: "Outbox deliveries by kind (websub, ping, webhook) and outcome (sent, retry, dropped, given_up).",
		}, []string{"kind", "outcome"}),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_websub_pushes_total",
			Help: "Bodies pushed by upstream hubs, by source and outcome (stored, ignored, error).",
		}, []string{"source", "outcome"}),
	}
	if reg == nil {
		return c, nil
	}
	for _, col := range []prometheus.Collector{c.deliveries, c.received} {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	return c, nil
}
