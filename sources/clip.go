package sources

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Clip returns s cut to at most n bytes at a rune boundary, ending in "…"
// when cut, and with invalid UTF-8 dropped. Upstream text (header values,
// charset labels, dates) reaches warnings, errors and logs through it, so
// one hostile response cannot make the status page megabytes long. Text
// within n is returned as it is.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := max(n-len(ellipsis), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "") + ellipsis
}

// KeepNewest trims res to its n newest items (n <= 0: no bound), keeping
// their order, and adds a warning that says how many the upstream listed.
// An undated item counts as newest: it is dated when first seen, now. Ties
// keep the upstream's order, which lists the newest first by convention.
func KeepNewest(res *Result, n int) {
	if n <= 0 || len(res.Items) <= n {
		return
	}
	idx := make([]int, len(res.Items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		da, db := res.Items[a].dated(), res.Items[b].dated()
		switch {
		case da.IsZero() && db.IsZero():
			return 0
		case da.IsZero():
			return -1
		case db.IsZero():
			return 1
		}
		return db.Compare(da)
	})
	keep := make([]bool, len(res.Items))
	for _, i := range idx[:n] {
		keep[i] = true
	}
	kept := make([]Item, 0, n)
	for i, it := range res.Items {
		if keep[i] {
			kept = append(kept, it)
		}
	}
	res.Warnings = append(res.Warnings, fmt.Sprintf("the upstream listed %d items; stored the newest %d (keep: %d)", len(res.Items), n, n))
	res.Items = kept
}

// dated is the item's own date: published, else updated; zero if none.
func (it *Item) dated() time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

// MaxContent bounds an item's Content and Summary, each: one item of a
// hostile feed must not fill the store and every render with megabytes.
const MaxContent = 1 << 20

// CapContent cuts every item's Content and Summary of res to MaxContent
// bytes, before the last tag that would straddle the cut, and adds one
// warning naming the items cut.
func CapContent(res *Result) {
	var cut []string
	for i := range res.Items {
		it := &res.Items[i]
		c, s := capHTML(it.Content, MaxContent), capHTML(it.Summary, MaxContent)
		if len(c) != len(it.Content) || len(s) != len(it.Summary) {
			it.Content, it.Summary = c, s
			cut = append(cut, Clip(cmp.Or(it.ID, it.Link, it.Title), 80))
		}
	}
	if len(cut) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d items' content cut to %d KiB: %s",
			len(cut), MaxContent>>10, strings.Join(cut[:min(len(cut), 3)], ", ")))
	}
}

// capHTML cuts an HTML fragment to at most n bytes, ending before an
// unfinished tag; the sanitizer closes what is left open.
func capHTML(h string, n int) string {
	if len(h) <= n {
		return h
	}
	h = h[:n]
	if lt, gt := strings.LastIndexByte(h, '<'), strings.LastIndexByte(h, '>'); lt > gt {
		h = h[:lt]
	}
	return strings.ToValidUTF8(h, "") + "…"
}
