package feeds

import (
	"net/url"

	"github.com/tributaryfeeds/tributary/sources"
)

// dedupe returns the first limit items of items (in store order, newest
// first) that do not duplicate an earlier one. The rule, also in the README:
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
// The first copy (the newest, in store order) wins. Link sharing is judged
// among the candidates read (the feed's window and a margin), not the
// whole store.
func dedupe(items []sources.Item, limit int) []sources.Item {
	type sourceLink struct{ source, link string }
	links := make([]string, len(items))
	perSource := make(map[sourceLink]int, len(items))
	for i := range items {
		if items[i].Link == "" {
			continue
		}
		links[i] = canonicalLink(items[i].Link)
		perSource[sourceLink{items[i].Source, links[i]}]++
	}
	ids := make(map[string]struct{}, min(len(items), limit))
	linkOwner := make(map[string]string, min(len(items), limit)) // canonical link -> source of the kept copy
	out := make([]sources.Item, 0, min(len(items), limit))
	for i := range items {
		it := &items[i]
		if len(out) == limit {
			break
		}
		global := globalID(it.ID)
		if _, dup := ids[it.ID]; global && dup {
			continue
		}
		link := links[i]
		if link != "" && perSource[sourceLink{it.Source, link}] > 1 {
			link = "" // shared within its source: not this item's identity
		}
		if owner, dup := linkOwner[link]; link != "" && dup && owner != it.Source {
			continue
		}
		if global {
			ids[it.ID] = struct{}{}
		}
		if link != "" {
			linkOwner[link] = it.Source
		}
		out = append(out, *it)
	}
	return out
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
