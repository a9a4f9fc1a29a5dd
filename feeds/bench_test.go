package feeds

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// benchItems returns n realistic items: HTML summaries and content,
// authors and categories.
func benchItems(n int) []sources.Item {
	items := make([]sources.Item, n)
	for i := range items {
		items[i] = sources.Item{
			Source: []string{"a", "b", "c"}[i%3], ID: fmt.Sprintf("id-%d", i),
			Link:       fmt.Sprintf("https://example.org/news/%d", i),
			Title:      fmt.Sprintf("Headline number %d about the world", i),
			Summary:    `<p>A short <a href="/x">summary</a> of the story.</p>`,
			Content:    `<div><p>Paragraph one with <strong>bold</strong> text and <img src="a.png">.</p><p>Paragraph two <a href="https://example.org/y">link</a>.</p></div>`,
			Authors:    []sources.Author{{Name: "Reporter", Email: "r@example.org"}},
			Categories: []string{"world", "politics"},
			Published:  fixtureTime.Add(-time.Duration(i) * time.Minute),
		}
	}
	return items
}

func BenchmarkRender(b *testing.B) {
	for _, n := range []int{50, 500} {
		items := benchItems(n)
		for _, f := range formats {
			b.Run(fmt.Sprintf("%s/%d", f, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Render(fixtureMeta(f), items, f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	st := &fakeStore{}
	st.add(benchItems(3000)...)
	cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b", "c"}, Exclude: []string{"sponsored"}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(ctx, st, cfg, &cfg.Feeds[0], fixtureTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}})
	st := &fakeStore{}
	st.add(benchItems(50)...)
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	if err := p.RenderAll(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if p.Get("world", RSS) == nil {
				b.Fatal("nil")
			}
		}
	})
}

func TestGetDoesNotAllocate(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}})
	p := NewPublisher(Options{Store: &fakeStore{}, Config: cfg})
	if err := p.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.Get("world", JSON) == nil {
		t.Fatal("no rendered feed to measure")
	}
	if n := testing.AllocsPerRun(100, func() { p.Get("world", JSON) }); n != 0 {
		t.Errorf("Get allocates %v times", n)
	}
}
