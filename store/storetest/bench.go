package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// benchItems returns n realistic items of src, numbered from first.
func benchItems(src string, first, n int) []sources.Item {
	items := make([]sources.Item, n)
	for i := range items {
		k := first + i
		items[i] = sources.Item{
			ID:         fmt.Sprintf("https://example.org/%s/%d", src, k),
			Link:       fmt.Sprintf("https://example.org/%s/%d", src, k),
			Title:      fmt.Sprintf("Article number %d of %s", k, src),
			Summary:    "<p>A summary of a few sentences that says what the article is about, as feeds do.</p>",
			Content:    strings.Repeat("<p>Body text of the article, at a realistic size.</p>", 40),
			Authors:    []sources.Author{{Name: "Staff Writer"}},
			Categories: []string{"world", "news"},
			Published:  t0.Add(-time.Duration(k) * time.Minute),
		}
	}
	return items
}

// BenchUpsert measures Upsert of a 100-item batch: b.Run "new" stores new
// items each iteration, "unchanged" re-stores the same batch.
func BenchUpsert(b *testing.B, o Opener) {
	b.Run("new", func(b *testing.B) {
		s := open(b, o)
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Upsert(ctx, "bench", benchItems("bench", i*100, 100), t0); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := open(b, o)
		ctx := context.Background()
		items := benchItems("bench", 0, 100)
		upsert(b, s, "bench", items, t0)
		b.ReportAllocs()
		for b.Loop() {
			st, err := s.Upsert(ctx, "bench", items, t0)
			if err != nil || st != (store.UpsertStats{}) {
				b.Fatalf("Upsert = %+v, %v; want no change", st, err)
			}
		}
	})
}

// BenchWindow measures the feed query: the 50 newest items of 20 sources in
// a store of 20,000 items from 200 sources.
func BenchWindow(b *testing.B, o Opener) {
	s := open(b, o)
	names := make([]string, 200)
	for i := range names {
		names[i] = fmt.Sprintf("source-%03d", i)
		items := benchItems(names[i], 0, 100)
		// Interleave the sources in time, as real feeds are.
		for j := range items {
			items[j].Published = t0.Add(-time.Duration(j*len(names)+i) * time.Minute)
		}
		upsert(b, s, names[i], items, t0)
	}
	q := store.Query{Limit: 50}
	for i := 0; i < len(names); i += 10 {
		q.Sources = append(q.Sources, names[i])
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		items, err := s.Items(ctx, q)
		if err != nil || len(items) != 50 {
			b.Fatalf("Items = %d items, %v; want 50", len(items), err)
		}
	}
}
