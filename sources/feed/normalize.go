package feed

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/tributaryfeeds/tributary/sources"
)

// normalizeItems maps gofeed items into sources.Item, resolving links
// against base (nil: only absolute links are kept) and keeping ids unique within the feed.
// Items without authors are credited to feedAuthors. Dates more than
// sources.MaxClockSkew after now are dropped (zero now: none are).
// extras, when as long as in, adds what the original document says about
// each item.
func normalizeItems(in []*gofeed.Item, extras []extra, base *url.URL, feedAuthors []*gofeed.Person, now time.Time) []sources.Item {
	fallback := authors(feedAuthors, nil)
	out := make([]sources.Item, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i, gi := range in {
		if gi == nil {
			continue
		}
		var x extra
		if len(extras) == len(in) {
			x = extras[i]
		}
		it := normalizeItem(gi, x, base, now)
		if len(it.Authors) == 0 && len(fallback) > 0 {
			it.Authors = append([]sources.Author(nil), fallback...)
		}
		if it.ID == "" {
			continue // nothing to identify or show
		}
		it.ID = uniqueID(it, seen)
		out = append(out, it)
	}
	return out
}

func normalizeItem(gi *gofeed.Item, x extra, base *url.URL, now time.Time) sources.Item {
	it := sources.Item{
		Link:       itemLink(gi, x, base),
		Title:      sources.PlainText(gi.Title), // for itemID, below
		Summary:    strings.TrimSpace(gi.Description),
		Content:    strings.TrimSpace(gi.Content),
		Authors:    authors(gi.Authors, gi.Author),
		Categories: categories(gi.Categories),
		Published:  sources.CheckDate(utc(parseDate(gi.PublishedParsed, gi.Published)), now),
		Updated:    sources.CheckDate(utc(parseDate(gi.UpdatedParsed, gi.Updated)), now),
		Enclosures: enclosures(gi.Enclosures, base),
		Media:      itemMedia(gi, base),
	}
	if it.Link == "" {
		// Nothing to resolve relative URLs against later: the upstream's
		// site does it now (the feeds package never uses the daemon's own
		// base_url for them).
		it.Summary = sources.AbsolutizeHTML(it.Summary, base)
		it.Content = sources.AbsolutizeHTML(it.Content, base)
	}
	if it.Published.IsZero() {
		it.Published = it.Updated
	}
	if gi.Image != nil {
		it.Image = sources.ResolveURL(base, gi.Image.URL)
	}
	if x.kind == "rss" {
		if a := rssAuthors(gi, x.rss); a != nil {
			it.Authors = a
		}
	}
	it.ID = itemID(gi, it)
	// After the ID, which hashes the title as earlier versions read it, so
	// that ids of stored items do not change.
	it.Title = itemTitle(gi, x)
	if it.Title == "" {
		it.Title = sources.TitleFromText(cmp.Or(it.Summary, it.Content))
	}
	return it
}

// itemID is the GUID, else the link, else a hash of title and content, so
// it survives refetches and restarts.
func itemID(gi *gofeed.Item, it sources.Item) string {
	if id := strings.TrimSpace(gi.GUID); id != "" {
		return id
	}
	if it.Link != "" {
		return it.Link
	}
	body := cmp.Or(it.Content, it.Summary)
	if it.Title == "" && body == "" && len(it.Enclosures) == 0 {
		// Nothing but a date, an author or a category: still an item the
		// upstream published (issue 14: every item kept), identified by
		// what it has. An item with nothing at all has nothing to show.
		var b strings.Builder
		for _, a := range it.Authors {
			b.WriteString(a.Name + "\x00" + a.Email + "\x00")
		}
		b.WriteString(strings.Join(it.Categories, "\x00"))
		if !it.Published.IsZero() || !it.Updated.IsZero() {
			b.WriteString("\x00" + it.Published.Format(time.RFC3339) + "\x00" + it.Updated.Format(time.RFC3339))
		}
		if b.Len() == 0 && it.Image == "" {
			return ""
		}
		return hashHex("\x01" + b.String() + "\x00" + it.Image)
	}
	if body == "" && len(it.Enclosures) > 0 {
		body = it.Enclosures[0].URL
	}
	return hashHex(it.Title + body)
}

// uniqueID gives repeated ids a suffix derived from the item itself, so the
// suffix does not change when the feed reorders its items and two distinct
// articles that share a GUID are not merged.
func uniqueID(it sources.Item, seen map[string]bool) string {
	id := it.ID
	if !seen[id] {
		seen[id] = true
		return id
	}
	alt := id + "#" + hashHex(it.Link + "\x00" + it.Title + "\x00" + it.Content + "\x00" + it.Summary)[:12]
	// Same GUID and same text: still keep both, numbered in feed order.
	for n, cand := 2, alt; ; n++ {
		if !seen[cand] {
			seen[cand] = true
			return cand
		}
		cand = alt + "-" + strconv.Itoa(n)
	}
}

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func utc(t *time.Time) time.Time {
	if t == nil || t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// authors maps people, else the single deprecated author field.
func authors(people []*gofeed.Person, single *gofeed.Person) []sources.Author {
	if len(people) == 0 && single != nil {
		people = []*gofeed.Person{single}
	}
	var out []sources.Author
	for _, p := range people {
		if p == nil {
			continue
		}
		a := sources.Author{Name: sources.PlainText(p.Name), Email: strings.TrimSpace(p.Email)}
		if a.Name == "" && a.Email == "" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// categories trims, collapses whitespace and drops duplicates, keeping the
// first spelling of each.
func categories(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, c := range in {
		c = strings.Join(strings.Fields(c), " ")
		key := strings.ToLower(c)
		if c == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

func enclosures(in []*gofeed.Enclosure, base *url.URL) []sources.Enclosure {
	var out []sources.Enclosure
	for _, e := range in {
		if e == nil {
			continue
		}
		u := sources.ResolveURL(base, e.URL)
		if u == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64)
		if err != nil || n < 0 {
			n = 0
		}
		out = append(out, sources.Enclosure{URL: u, Type: strings.TrimSpace(e.Type), Length: n})
	}
	return out
}
