package push

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/store"
)

// BenchmarkDistribute measures the built-in hub's fan-out: one change of a
// 50-item feed (~60 KB) delivered, signed, to 200 subscribers on loopback
// through the sqlite outbox. Reported per change; deliveries/s beside it.
func BenchmarkDistribute(b *testing.B) {
	const subscribers = 200
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer sink.Close()
	fx := newFixture(b, Config{Builtin: true, Feeds: []Feed{{Slug: "world"}}}, nil)
	ctx := context.Background()
	topic := fx.srv.URL + "/feeds/world.json"
	for i := range subscribers {
		if err := fx.st.PutSubscription(ctx, store.Subscription{Topic: topic, Callback: fmt.Sprintf("%s/cb/%d", sink.URL, i), Secret: "s", Expires: fx.clock.Now().Add(DefaultLease)}); err != nil {
			b.Fatal(err)
		}
	}
	item := strings.Repeat("x", 1200)
	b.ResetTimer()
	for i := range b.N {
		ids := make([]string, 50)
		for j := range ids {
			ids[j] = fmt.Sprintf("%d-%d-%s", i, j, item)
		}
		fx.feeds.set("world", jsonFeed(ids...))
		fx.s.FeedChanged(ctx, "world")
		fx.drainAll()
	}
	b.StopTimer()
	if p := pending(b, fx.st); len(p) != 0 {
		b.Fatalf("left in the outbox: %v", p)
	}
	b.ReportMetric(float64(subscribers*b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
