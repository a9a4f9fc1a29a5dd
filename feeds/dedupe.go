package feeds

import (
	"net/url"

	"github.com/tributaryfeeds/tributary/sources"
)

// dupKey is what deduplication needs of an item, so that archives can apply the
// same rule to a feed's whole history without holding its text.
type dupKey struct {
	source, id string
	link       string // canonical; "" when the item has none
	simHash    uint64 // for near-duplicates; 0: too little text
}

func newDupKey(it *sources.Item) dupKey {
	k := dupKey{source: it.Source, id: it.ID, simHash: it.SimHash}
	if it.Link != "" {
		k.link = canonicalLink(it.Link)
	}
	return k
}

// dedupeKeys applies the rule to keys in their order and returns the
// indexes of the first limit kept (limit < 0: all of them).
func dedupeKeys(keys []dupKey, limit int) []int {
	kept, _ := dedupeGroups(keys, 0)
	if limit >= 0 && len(kept) > limit {
		kept = kept[:limit]
	}
	return kept
}

// dupe records that item dup was merged into the kept item kept; near says
// by similarity (0 for the same id or link).
type dupe struct {
	dup, kept int
	near      float64
}

// The deduplication rule, also in the README, applied by dedupeGroups to
// items in store order (newest first) or, for archives, history order:
//
//   - Within one source the id (the GUID) identifies an item. Two items of
//     one source are never merged, whatever their links: podcast episodes
//     that all link to the show's page, or permalinks that differ only by
//     their #fragment, are all kept.
//   - Across sources, two items are the same story when they have the same
//     global id (see globalID), or the same canonical link (see
//     canonicalLink) that identifies the item in both sources, that is, no
//     other candidate of either source has that link. A link shared by
//     several items of a source says nothing about which story it is, so it
//     never merges anything; nor does a short local GUID such as "42", which
//     two unrelated sources number independently.
//
// The first copy in that order is the group's kept item; window.merge then
// publishes the copy feeds[].prefer ranks first. Link sharing is judged
// among the candidates read (the feed's window and a margin), not the
// whole store; an archived feed judges it over its whole history, oldest
// first (see buildArchive).
//
// dedupeGroups applies dedupe's rule to every key in order and returns the
// indexes kept and each dropped key with the kept one it duplicates. With
// near > 0, an item of another source whose SimHash is at least that
// similar to a kept item's is a duplicate too (see similarity).
func dedupeGroups(keys []dupKey, near float64) ([]int, []dupe) {
	type sourceLink struct{ source, link string }
	perSource := make(map[sourceLink]int, len(keys))
	for _, k := range keys {
		if k.link != "" {
			perSource[sourceLink{k.source, k.link}]++
		}
	}
	ids := make(map[string]int, len(keys))
	type owner struct {
		source string
		kept   int
	}
	linkOwner := make(map[string]owner, len(keys)) // canonical link -> the kept copy
	var kept []int
	var dupes []dupe
	for i, k := range keys {
		global := globalID(k.id)
		if j, dup := ids[k.id]; global && dup {
			dupes = append(dupes, dupe{dup: i, kept: j})
			continue
		}
		link := k.link
		if link != "" && perSource[sourceLink{k.source, link}] > 1 {
			link = "" // shared within its source: not this item's identity
		}
		if o, dup := linkOwner[link]; link != "" && dup && o.source != k.source {
			dupes = append(dupes, dupe{dup: i, kept: o.kept})
			continue
		}
		if j, sim := nearest(keys, kept, i, near); sim > 0 {
			dupes = append(dupes, dupe{dup: i, kept: j, near: sim})
			continue
		}
		if global {
			ids[k.id] = i
		}
		if link != "" {
			linkOwner[link] = owner{k.source, i}
		}
		kept = append(kept, i)
	}
	return kept, dupes
}

// globalID reports whether an item id can name the same story in two
// sources: an absolute URI (a permalink, tag:, urn:) or an opaque id long
// enough not to collide by chance (a UUID, a content hash). Short ids
// ("42", "post-7") are numbered by each source on its own.
func globalID(id string) bool {
	if len(id) >= 20 {
		return true
	}
	u, err := url.Parse(id)
	return err == nil && u.Scheme != "" && u.Opaque+u.Host+u.Path != ""
}
