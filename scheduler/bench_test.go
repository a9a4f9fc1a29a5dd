package scheduler

import (
	"context"
	"fmt"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
)

// BenchmarkStatus measures /status.json's source listing with 1,000
// scheduled sources; it must stay linear in the number of sources.
func BenchmarkStatus(b *testing.B) {
	h := newHarness(b, nil)
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("h%d-%d", i%50, i)
		h.add(names[i], items("x"))
	}
	if err := h.s.Start(context.Background(), compile(b, cfg(config.Fetch{Concurrency: 8, PerHost: 2}, names...))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := h.s.Status(context.Background())
		if err != nil || len(st) != len(names) {
			b.Fatalf("Status: %d sources, %v", len(st), err)
		}
	}
}
