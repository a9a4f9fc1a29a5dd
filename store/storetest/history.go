package storetest

import (
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// mediaItem is an item with every field issue 11 added.
func mediaItem(src, id string) sources.Item {
	it := item(src, id, t0)
	it.Media = &sources.Media{
		Duration: 1834, Image: "https://example.org/ep.jpg", Explicit: "false", Episode: 12, Season: 3,
		Author: "Ren Qi & \u4e2d <co>",
		Contents: []sources.MediaContent{
			{URL: "https://example.org/ep.mp3", Type: "audio/mpeg", Medium: "audio", Length: 1 << 40, Duration: 1834},
			{URL: "https://example.org/ep.mp4", Type: "video/mp4", Width: 1920, Height: 1080},
		},
		Thumbnails: []sources.Thumbnail{{URL: "https://example.org/th.jpg", Width: 120, Height: 90}},
	}
	it.Origin = &sources.Origin{
		ID: "urn:upstream", Title: "Upstream \x00title", Link: "https://example.org/", URL: "https://example.org/feed.xml",
		Updated: t0.Add(-time.Hour),
	}
	it.SimHash = 0xfedcba9876543210 // above MaxInt64: stores must keep all 64 bits
	return it
}

func testExtraRoundTrip(t *testing.T, o Opener) {
	s := open(t, o)
	full, plain := mediaItem("a", "m"), item("a", "plain", t0)
	upsert(t, s, "a", []sources.Item{full, plain}, t0)
	full.FirstSeen, full.Changed = t0, t0
	plain.FirstSeen, plain.Changed = t0, t0
	equalItem(t, one(t, s, "a", "m"), full)
	got := one(t, s, "a", "plain")
	if got.Media != nil || got.Origin != nil || got.SimHash != 0 {
		t.Errorf("plain item came back with media %+v, origin %+v, simhash %x; want none", got.Media, got.Origin, got.SimHash)
	}

	// The same item again is no change; a changed media field is one.
	if st := upsert(t, s, "a", []sources.Item{mediaItem("a", "m")}, t0.Add(time.Minute)); st != (store.UpsertStats{}) {
		t.Errorf("same item again: %+v, want no change", st)
	}
	changed := mediaItem("a", "m")
	changed.Media.Duration = 1835
	if st := upsert(t, s, "a", []sources.Item{changed}, t0.Add(2*time.Minute)); st != (store.UpsertStats{Updated: 1}) {
		t.Errorf("changed duration: %+v, want one update", st)
	}
	if got := one(t, s, "a", "m").Media.Duration; got != 1835 {
		t.Errorf("duration = %d, want 1835", got)
	}
}
