package server

import (
	"encoding/json"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestStatusListsMerges(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.infos[0].Merges = []feeds.Merge{{Kept: "wire/1", Dropped: "other/9", Title: "Same story", Similarity: 0.94}}
	w := fx.do("GET", "/status.json")
	var doc struct {
		Feeds []struct {
			Slug   string
			Merges []feeds.Merge
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Feeds) != 2 || len(doc.Feeds[0].Merges) != 1 || doc.Feeds[0].Merges[0] != fx.feeds.infos[0].Merges[0] || doc.Feeds[1].Merges != nil {
		t.Errorf("status feeds = %+v", doc.Feeds)
	}
}
