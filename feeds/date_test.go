package feeds

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

func TestFeedDate(t *testing.T) {
	now := fixtureTime
	h := func(d int) time.Time { return now.Add(time.Duration(d) * time.Hour) }
	tests := []struct {
		name  string
		items []sources.Item
		want  time.Time
	}{
		{"no items", nil, epoch},
		{"published", []sources.Item{{Published: h(-3)}, {Published: h(-2)}}, h(-2)},
		{"updated after published", []sources.Item{{Published: h(-3), Updated: h(-1)}}, h(-1)},
		{"old item seen late", []sources.Item{{Published: h(-2)}, {Published: h(-50), FirstSeen: h(-1)}}, h(-1)},
		{"future date ignored", []sources.Item{{Published: h(5), FirstSeen: h(-1)}, {Published: h(-2)}}, h(-1)},
		{"future update ignored", []sources.Item{{Published: h(-2), Updated: h(1)}}, h(-2)},
		{"only future dates", []sources.Item{{Published: h(5)}}, now},
		{"edited item", []sources.Item{{Published: h(-2)}, {Published: h(-5), FirstSeen: h(-4), Changed: h(-1)}}, h(-1)},
		{"edit older than newest date", []sources.Item{{Published: h(-1)}, {Published: h(-5), FirstSeen: h(-5), Changed: h(-3)}}, h(-1)},
		{"future change ignored", []sources.Item{{Published: h(-2), Changed: h(1)}}, h(-2)},
		{"seconds dropped", []sources.Item{{Published: h(-1).Add(1500 * time.Millisecond)}}, h(-1).Add(time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feedDate(tt.items, now); !got.Equal(tt.want) {
				t.Errorf("feedDate = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLastModifiedFollowsContent checks that Last-Modified moves forward
// whenever the bytes change, even for an item dated before the newest one,
// and never runs ahead of the clock.
func TestLastModifiedFollowsContent(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}})
	st := &fakeStore{}
	seen := fixtureTime.Add(-time.Hour)
	st.add(sources.Item{Source: "a", ID: "new", Title: "new", Published: fixtureTime.Add(-10 * time.Minute), FirstSeen: seen})
	now := fixtureTime
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return now }})
	ctx := context.Background()
	render := func() *Rendered {
		t.Helper()
		if err := p.RenderAll(ctx); err != nil {
			t.Fatal(err)
		}
		return p.Get("world", Atom)
	}
	first := render()

	// A late item with an old date: new bytes, so a later Last-Modified.
	now = fixtureTime.Add(time.Hour)
	st.add(sources.Item{Source: "b", ID: "late", Title: "late", Published: fixtureTime.Add(-48 * time.Hour), FirstSeen: now.Add(-time.Minute)})
	second := render()
	if second.ETag == first.ETag || !second.LastModified.After(first.LastModified) {
		t.Fatalf("late item: ETag %s -> %s, Last-Modified %v -> %v", first.ETag, second.ETag, first.LastModified, second.LastModified)
	}
	if !second.LastModified.Equal(now.Add(-time.Minute)) {
		t.Errorf("Last-Modified %v, want the late item's first sight %v", second.LastModified, now.Add(-time.Minute))
	}
	wantUpdated := "<updated>" + second.LastModified.Format(time.RFC3339) + "</updated>"
	if !strings.Contains(string(second.Body), wantUpdated) {
		t.Errorf("Atom feed lacks %s", wantUpdated)
	}
	rss := p.Get("world", RSS)
	if want := "<lastBuildDate>" + second.LastModified.Format(time.RFC1123Z) + "</lastBuildDate>"; !strings.Contains(string(rss.Body), want) {
		t.Errorf("RSS lacks %s", want)
	}

	// A future-dated item never dates the feed ahead of the clock.
	now = now.Add(time.Hour)
	st.add(sources.Item{Source: "a", ID: "future", Title: "future", Published: now.Add(24 * time.Hour), FirstSeen: now})
	third := render()
	if third.LastModified.After(now) || !third.LastModified.After(second.LastModified) {
		t.Errorf("future item: Last-Modified %v (previous %v, now %v)", third.LastModified, second.LastModified, now)
	}
}

// TestLastModifiedFollowsEdits checks that an upstream edit that leaves the
// item's dates alone still moves Last-Modified, Atom <updated> and RSS
// <lastBuildDate> (else a reader polling with If-Modified-Since gets 304 and
// never sees the edit), and that unchanged items render the same bytes and
// date in a fresh publisher, as after a restart.
func TestLastModifiedFollowsEdits(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}})
	st := &fakeStore{}
	seen := fixtureTime.Add(-2 * time.Hour)
	newest := sources.Item{Source: "a", ID: "newest", Title: "newest", Published: seen, FirstSeen: seen, Changed: seen}
	edited := sources.Item{Source: "b", ID: "edited", Title: "edited", Summary: "<p>Before</p>",
		Published: seen.Add(-time.Hour), FirstSeen: seen, Changed: seen}
	st.add(newest, edited)
	ctx := context.Background()
	render := func(now time.Time, f Format) *Rendered {
		t.Helper()
		p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return now }})
		if err := p.RenderAll(ctx); err != nil {
			t.Fatal(err)
		}
		return p.Get("world", f)
	}
	for _, f := range formats {
		first, again := render(fixtureTime, f), render(fixtureTime.Add(time.Hour), f)
		if !bytes.Equal(first.Body, again.Body) || first.ETag != again.ETag || !first.LastModified.Equal(again.LastModified) {
			t.Errorf("%v: unchanged items after a restart: ETag %s -> %s, Last-Modified %v -> %v",
				f, first.ETag, again.ETag, first.LastModified, again.LastModified)
		}
	}
	before := render(fixtureTime, Atom)
	if !before.LastModified.Equal(seen) {
		t.Fatalf("Last-Modified %v, want %v", before.LastModified, seen)
	}

	editTime := fixtureTime.Add(-time.Minute)
	edited.Summary, edited.Changed = "<p>After</p>", editTime
	st.put(edited)
	after := render(fixtureTime, Atom)
	if after.ETag == before.ETag || !after.LastModified.Equal(editTime) {
		t.Fatalf("edited item: ETag %s -> %s, Last-Modified %v -> %v, want %v",
			before.ETag, after.ETag, before.LastModified, after.LastModified, editTime)
	}
	if want := "<updated>" + editTime.Format(time.RFC3339) + "</updated>"; !strings.Contains(string(after.Body), want) {
		t.Errorf("Atom feed lacks %s", want)
	}
	rss := render(fixtureTime, RSS)
	if want := "<lastBuildDate>" + editTime.Format(time.RFC1123Z) + "</lastBuildDate>"; !strings.Contains(string(rss.Body), want) {
		t.Errorf("RSS lacks %s", want)
	}
}
