package feeds

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// BenchmarkArchive measures an archived feed of 10,000 items in SQLite: the
// index built on each change (read the history, dedupe, cut pages) and the
// render of one archive page on demand.
func BenchmarkArchive(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := fixtureTime
	for round := range 20 {
		for _, src := range []string{"a", "b"} {
			items := make([]sources.Item, 250)
			for i := range items {
				id := fmt.Sprintf("%s-%d-%d", src, round, i)
				items[i] = sources.Item{Source: src, ID: id, Title: "Story " + id, Link: "https://example.org/" + id,
					Summary: "<p>Text of " + id + "</p>", Published: now}
			}
			if _, err := db.Upsert(ctx, src, items, now); err != nil {
				b.Fatal(err)
			}
			now = now.Add(time.Minute)
		}
	}
	cfg := testConfig(config.Feed{Slug: "hist", Sources: []string{"a", "b"}, Archive: true})
	p := NewPublisher(Options{Store: db, Config: cfg, Now: func() time.Time { return now }})
	fc := p.state.Load().bySlug["hist"]
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := p.buildArchive(ctx, fc, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page", func(b *testing.B) {
		if err := p.RenderAll(ctx); err != nil {
			b.Fatal(err)
		}
		arc := fc.entry.arc.Load()
		for b.Loop() {
			clear(arc.rendered) // render every time, not from the cache
			if rd, err := p.Archive(ctx, "hist", 100, Atom); err != nil || rd == nil {
				b.Fatal(rd, err)
			}
		}
	})
}
