package feeds

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func TestMergePrefer(t *testing.T) {
	// The same story in a, b and c: a's copy is the newest (first in store
	// order), c's the oldest.
	story := func(src string, age time.Duration, cats ...string) sources.Item {
		it := item(src, src+"-story", "https://news.example/story?utm_source="+src, age)
		it.Title = "Story from " + src
		it.Categories = cats
		return it
	}
	lone := item("b", "b-lone", "https://news.example/lone", 5*time.Minute)
	tests := []struct {
		name   string
		prefer []string
		want   string
	}{
		{"default: earliest configured source", nil, "a"},
		{"prefer a source", []string{"c"}, "c"},
		{"prefer by tag", []string{"tag:world"}, "a"},
		{"first match wins", []string{"b", "c"}, "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{}
			st.add(story("a", time.Minute, "World", "politics"), story("b", 2*time.Minute, "world", "Summit"), story("c", 3*time.Minute, "Economy"), lone)
			cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b", "c"}, Prefer: tt.prefer})
			got, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Source != tt.want || got[1].ID != "b-lone" {
				t.Fatalf("got %v, want %s's copy, then b-lone", ids(got), tt.want)
			}
			// The winner keeps every copy's categories, its own first,
			// each once whatever its case.
			cats := strings.Join(got[0].Categories, ",")
			for _, c := range []string{"politics", "Summit", "Economy"} {
				if !strings.Contains(cats, c) {
					t.Errorf("categories %q lack %q", cats, c)
				}
			}
			if n := strings.Count(strings.ToLower(cats), "world"); n != 1 {
				t.Errorf("categories %q: world %d times", cats, n)
			}
		})
	}
	// The stored items were not modified by the merge.
	st := &fakeStore{}
	a := story("a", time.Minute, "World")
	st.add(a, story("b", 2*time.Minute, "Other"))
	cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b"}})
	if _, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], fixtureTime); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Items(context.Background(), storeQuery("a")); !reflect.DeepEqual(got[0].Categories, []string{"World"}) {
		t.Errorf("stored categories changed to %v", got[0].Categories)
	}
}

// wireText is a story as several outlets republish it, with a twist each.
func wireText(twist string) string {
	return fmt.Sprintf(`<p>Harbour authorities said on Tuesday that the new wind farm off the northern
coast will begin delivering power to the grid next spring, two years after construction started,
and that the turbines will supply electricity to about forty thousand homes in the region. %s</p>`, twist)
}

func TestMergeNearDuplicates(t *testing.T) {
	mk := func(src, id string, age time.Duration, title, body string) sources.Item {
		it := item(src, id, "https://"+src+".example/"+id, age)
		it.Title, it.Content = title, body
		it.SimHash = sources.SimHash(&it)
		return it
	}
	items := []sources.Item{
		mk("a", "a1", time.Minute, "Wind farm opens next spring", wireText("")),
		mk("b", "b1", 2*time.Minute, "Wind farm opens next spring", wireText("Reporting by Ren Qi.")),
		mk("a", "a2", 3*time.Minute, "Wind farm opens next spring", wireText("Updated with a quote.")), // same source: kept
		mk("c", "c1", 4*time.Minute, "Library reopens", `<p>The city library reopened its doors on Monday after eighteen months of repairs to the roof, the reading rooms and the old archive.</p>`),
	}
	for _, tt := range []struct {
		near        float64
		want        []string
		wantMerges  int
		mergeDetail string
	}{
		{0, []string{"a/a1", "b/b1", "a/a2", "c/c1"}, 0, ""},
		{0.8, []string{"a/a1", "a/a2", "c/c1"}, 1, "a/a1<-b/b1"},
		{1, []string{"a/a1", "b/b1", "a/a2", "c/c1"}, 0, ""},
	} {
		st := &fakeStore{}
		st.add(items...)
		cfg := testConfig(config.Feed{Slug: "f", Sources: []string{"a", "b", "c"}, NearDuplicates: tt.near})
		w, err := newWindow(&cfg.Feeds[0])
		if err != nil {
			t.Fatal(err)
		}
		got, merges, err := w.buildMerging(context.Background(), st, fixtureTime)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("near %.1f: %v, want %v", tt.near, ids(got), tt.want)
		}
		if len(merges) != tt.wantMerges {
			t.Fatalf("near %.1f: merges %+v, want %d", tt.near, merges, tt.wantMerges)
		}
		for _, m := range merges {
			if m.Kept+"<-"+m.Dropped != tt.mergeDetail || m.Similarity < tt.near || m.Similarity >= 1 || m.Title == "" {
				t.Errorf("near %.1f: merge %+v, want %s", tt.near, m, tt.mergeDetail)
			}
		}
	}
}

func storeQuery(src string) store.Query { return store.Query{Sources: []string{src}} }
