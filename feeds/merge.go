package feeds

import (
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// maxMerges bounds the near-duplicate merges a feed reports.
const maxMerges = 20

// Merge is a near-duplicate merge, listed in /status.json so that false
// positives can be seen and near_duplicates tuned.
type Merge struct {
	Kept       string  `json:"kept"`    // source/id of the item published
	Dropped    string  `json:"dropped"` // source/id of the copy merged into it
	Title      string  `json:"title"`   // the dropped copy's title
	Similarity float64 `json:"similarity"`
}

// merge deduplicates items (store order, newest first): of each group of
// copies, the one whose source ranks first by feeds[].prefer wins (default:
// the earliest configured source), keeps the categories of the others, and
// takes the group's place; then the first limit are returned, newest
// first, with the near-duplicate merges among them.
func (w *window) merge(items []sources.Item) ([]sources.Item, []Merge) {
	keys := make([]dupKey, len(items))
	for i := range items {
		keys[i] = newDupKey(&items[i])
	}
	kept, dupes := dedupeGroups(keys, w.near)
	if len(kept) > w.limit {
		kept = kept[:w.limit]
	}
	group := make(map[int][]dupe, len(dupes))
	for _, d := range dupes {
		group[d.kept] = append(group[d.kept], d)
	}
	out := make([]sources.Item, 0, len(kept))
	var merges []Merge
	for _, k := range kept {
		winner := k
		for _, d := range group[k] {
			if w.rank(items[d.dup].Source) < w.rank(items[winner].Source) {
				winner = d.dup
			}
		}
		it := items[winner]
		if len(group[k]) > 0 {
			cats := it.Categories
			for _, i := range append([]int{k}, dupIndexes(group[k])...) {
				if i != winner {
					cats = unionFold(cats, items[i].Categories)
				}
			}
			it.Categories = cats
		}
		out = append(out, it)
		for _, d := range group[k] {
			if d.near > 0 && len(merges) < maxMerges {
				loser := d.dup
				if loser == winner {
					loser = k
				}
				merges = append(merges, Merge{Kept: key(&it), Dropped: key(&items[loser]), Title: items[loser].Title, Similarity: round2(d.near)})
			}
		}
	}
	sortNewestFirst(out) // a preferred copy may be dated apart from the group's first
	return out, merges
}

func dupIndexes(ds []dupe) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.dup
	}
	return out
}

// rank orders sources by preference; unknown sources come last.
func (w *window) rank(source string) int {
	if r, ok := w.ranks[source]; ok {
		return r
	}
	return len(w.ranks)
}

// unionFold appends the categories of b that a lacks, ignoring case.
func unionFold(a, b []string) []string {
	out := a
	for _, c := range b {
		dup := false
		for _, have := range out {
			if strings.EqualFold(have, c) {
				dup = true
				break
			}
		}
		if !dup {
			if len(out) == len(a) {
				out = append([]string(nil), a...) // never write into a stored slice
			}
			out = append(out, c)
		}
	}
	return out
}

func key(it *sources.Item) string { return it.Source + "/" + it.ID }

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
