package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// RFC 5005 archives.
//
// A feed with archive: true publishes every retained item exactly once,
// across its current document and its archive pages. Items are taken in
// history order (first seen, source, ID), which never changes; archive
// page n holds the feed's items after the boundary of page n-1 up to and
// including its own boundary. A boundary is recorded in the store when
// enough items have arrived after the previous one (a page of limit items,
// with at least limit more left for the current document), and never
// moves: new items only ever land after the last boundary, so a complete
// page keeps its items, bytes and ETag until its items are pruned or
// edited. The current document holds the items after the last boundary:
// between limit and 2*limit-1 of them once the feed has that many.

// archiveMaxAge is the lifetime of archive pages: they do not change, but an
// upstream edit or a prune may still reach one, so a month rather than
// immutable.
const archiveMaxAge = 30 * 24 * 3600

// historyBatch is how many items one store query reads while indexing.
const historyBatch = 1000

// archiveIndex is one feed's archive as of its latest render: which items
// each page holds (keys only; the items are read again to render a page),
// and the pages rendered so far.
type archiveIndex struct {
	fc     *feedConf
	tag    string // the feed's validators when it was built
	bounds []store.Cursor
	pages  []archivePage // pages[n-1] is page n
	first  int           // the oldest page still holding items; 0: no pages

	mu       sync.Mutex
	rendered map[pageKey]*Rendered
}

type archivePage struct {
	keep map[string]struct{} // source + "\x00" + id of the items it shows
	sig  [sha256.Size]byte   // what its render depends on
}

type pageKey struct {
	n int
	f Format
	// sig makes an entry carried over from an earlier index count only
	// while the page is the same.
	sig [sha256.Size]byte
}

// maxRenderedPages bounds the rendered archive pages kept per feed; past
// it the cache starts over (pages are rendered again on demand).
const maxRenderedPages = 96

// indexEntry is an item of the feed in history order, without its text.
type indexEntry struct {
	cur     store.Cursor
	key     string
	changed time.Time
}

// buildArchive indexes fc's history, records the boundaries of pages that
// have filled up, and returns the current document's items, newest first.
func (p *Publisher) buildArchive(ctx context.Context, fc *feedConf, old *archiveIndex) ([]sources.Item, *archiveIndex, error) {
	a, ok := p.st.(store.Archiver)
	if !ok {
		return nil, nil, errors.New("archive: the store keeps no history")
	}
	// Another replica may record a boundary between our read and our
	// write; then the index is built again from the recorded ones.
	for attempt := 0; ; attempt++ {
		arc, tail, again, err := p.indexArchive(ctx, a, fc)
		if err != nil {
			return nil, nil, err
		}
		if again && attempt < 3 {
			continue
		}
		arc.carryOver(old)
		items, err := p.currentItems(ctx, a, fc, arc, tail)
		return items, arc, err
	}
}

func (p *Publisher) indexArchive(ctx context.Context, a store.Archiver, fc *feedConf) (*archiveIndex, []indexEntry, bool, error) {
	bounds, err := a.ArchivePages(ctx, fc.slug)
	if err != nil {
		return nil, nil, false, fmt.Errorf("archive pages: %w", err)
	}
	arc := &archiveIndex{fc: fc, bounds: bounds, pages: make([]archivePage, len(bounds)), rendered: map[pageKey]*Rendered{}}
	for i := range arc.pages {
		arc.pages[i].keep = map[string]struct{}{}
	}
	sigs := make([]*pageSig, len(bounds))
	for i := range sigs {
		sigs[i] = newPageSig()
	}
	// The whole history, without text: dedupe needs to know every link a
	// source shares before it can tell which items are duplicates.
	var all []indexEntry
	var keys []dupKey
	q := store.HistoryQuery{Sources: fc.win.sources, Limit: historyBatch}
	for {
		batch, err := a.History(ctx, q)
		if err != nil {
			return nil, nil, false, fmt.Errorf("history of %v: %w", fc.win.sources, err)
		}
		for i := range batch {
			it := &batch[i]
			if !fc.win.filter.keep(it) {
				continue
			}
			all = append(all, indexEntry{cur: store.CursorOf(it), key: it.Source + "\x00" + it.ID, changed: it.Changed})
			keys = append(keys, newDupKey(it))
		}
		if len(batch) < q.Limit {
			break
		}
		q.After = store.CursorOf(&batch[len(batch)-1])
	}
	// In history order the earliest copy of a duplicate wins, so a copy
	// arriving later never changes a page already published.
	var tail []indexEntry
	pi := 0
	for _, k := range dedupeKeys(keys, -1) {
		e := all[k]
		for pi < len(bounds) && bounds[pi].Less(e.cur) {
			pi++
		}
		if pi < len(bounds) {
			arc.pages[pi].keep[e.key] = struct{}{}
			sigs[pi].add(e)
			continue
		}
		tail = append(tail, e)
	}
	// Cut the pages that have filled up.
	size := fc.win.limit
	for len(tail) >= 2*size {
		n := len(arc.bounds) + 1
		bound := tail[size-1].cur
		if err := a.AddArchivePage(ctx, fc.slug, n, bound); err != nil {
			return nil, nil, false, err
		}
		recorded, err := a.ArchivePages(ctx, fc.slug)
		if err != nil {
			return nil, nil, false, err
		}
		if len(recorded) < n || recorded[n-1] != bound {
			return arc, nil, true, nil // someone else cut it: index again
		}
		page := archivePage{keep: make(map[string]struct{}, size)}
		sig := newPageSig()
		for _, e := range tail[:size] {
			page.keep[e.key] = struct{}{}
			sig.add(e)
		}
		arc.bounds = append(arc.bounds, bound)
		arc.pages = append(arc.pages, page)
		sigs = append(sigs, sig)
		tail = tail[size:]
	}
	for i := range arc.pages {
		if arc.first == 0 && len(arc.pages[i].keep) > 0 {
			arc.first = i + 1
		}
	}
	for i := range arc.pages {
		n := i + 1
		arc.pages[i].sig = sigs[i].sum(fc.fingerprint, arc.prev(n), arc.next(n))
	}
	return arc, tail, false, nil
}

// currentItems reads the items after the last boundary that the index
// kept, newest first.
func (p *Publisher) currentItems(ctx context.Context, a store.Archiver, fc *feedConf, arc *archiveIndex, tail []indexEntry) ([]sources.Item, error) {
	if len(tail) == 0 {
		return nil, nil
	}
	keep := make(map[string]struct{}, len(tail))
	for _, e := range tail {
		keep[e.key] = struct{}{}
	}
	q := store.HistoryQuery{Sources: fc.win.sources, Through: tail[len(tail)-1].cur}
	if len(arc.bounds) > 0 {
		q.After = arc.bounds[len(arc.bounds)-1]
	}
	return readKept(ctx, a, q, keep)
}

// readKept reads the items q selects that keep names, newest first by date.
func readKept(ctx context.Context, a store.Archiver, q store.HistoryQuery, keep map[string]struct{}) ([]sources.Item, error) {
	items, err := a.History(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := items[:0]
	for _, it := range items {
		if _, ok := keep[it.Source+"\x00"+it.ID]; ok {
			out = append(out, it)
		}
	}
	sortNewestFirst(out)
	return out, nil
}

// sortNewestFirst orders items as feeds show them: date, then source and
// ID, so that a page renders the same bytes every time.
func sortNewestFirst(items []sources.Item) {
	slices.SortStableFunc(items, func(a, b sources.Item) int {
		if c := b.Date().Compare(a.Date()); c != 0 {
			return c
		}
		if a.Source != b.Source {
			if a.Source < b.Source {
				return -1
			}
			return 1
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// prev is the page before n that a reader can still reach, or 0.
func (arc *archiveIndex) prev(n int) int {
	if n-1 >= arc.first && arc.first > 0 {
		return n - 1
	}
	return 0
}

// next is the page after n, or 0 for the newest page.
func (arc *archiveIndex) next(n int) int {
	if n < len(arc.pages) {
		return n + 1
	}
	return 0
}

// newest is the page the current document links as prev-archive, or 0.
func (arc *archiveIndex) newest() int {
	if arc == nil || arc.first == 0 {
		return 0
	}
	return len(arc.pages)
}

// carryOver keeps the renders of pages that did not change.
func (arc *archiveIndex) carryOver(old *archiveIndex) {
	if old == nil {
		return
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	for k, r := range old.rendered {
		if k.n <= len(arc.pages) && arc.pages[k.n-1].sig == k.sig {
			arc.rendered[k] = r
		}
	}
}

// pageSig hashes what a page's render depends on.
type pageSig struct{ h []byte }

func newPageSig() *pageSig { return &pageSig{} }

func (s *pageSig) add(e indexEntry) {
	s.h = append(s.h, e.key...)
	s.h = append(s.h, 0)
	s.h = binary.LittleEndian.AppendUint64(s.h, uint64(e.changed.UnixNano()))
}

func (s *pageSig) sum(fingerprint string, prev, next int) [sha256.Size]byte {
	b := append(s.h, fingerprint...)
	b = strconv.AppendInt(append(b, '|'), int64(prev), 10)
	b = strconv.AppendInt(append(b, '|'), int64(next), 10)
	return sha256.Sum256(b)
}

// archiveURL is the address of page n in format f.
func (fc *feedConf) archiveURL(n int, f Format) string {
	if n <= 0 {
		return ""
	}
	return fc.base + "/feeds/" + fc.slug + "/archive/" + strconv.Itoa(n) + "." + f.String()
}

// Archive returns page n of slug's archive in format f, rendering it on
// first use; nil when the feed has no such page (or no archive).
func (p *Publisher) Archive(ctx context.Context, slug string, n int, f Format) (*Rendered, error) {
	fc := p.state.Load().bySlug[slug]
	if fc == nil || !fc.archive || f < 0 || f >= numFormats {
		return nil, nil
	}
	// Bring the index up to the store's data first (a no-op when it is).
	if _, err := p.renderFeed(ctx, fc, nil, false); err != nil {
		return nil, err
	}
	arc := fc.entry.arc.Load()
	if arc == nil || arc.first == 0 || n < arc.first || n > len(arc.pages) {
		return nil, nil
	}
	page := &arc.pages[n-1]
	key := pageKey{n: n, f: f, sig: page.sig}
	arc.mu.Lock()
	defer arc.mu.Unlock() // one render at a time per feed; readers of a cached page wait briefly
	if r := arc.rendered[key]; r != nil {
		return r, nil
	}
	a := p.st.(store.Archiver) // buildArchive checked
	q := store.HistoryQuery{Sources: arc.fc.win.sources, Through: arc.bounds[n-1]}
	if n > 1 {
		q.After = arc.bounds[n-2]
	}
	items, err := readKept(ctx, a, q, page.keep)
	if err != nil {
		return nil, fmt.Errorf("archive %s/%d: %w", slug, n, err)
	}
	meta := arc.fc.meta
	meta.Now = p.now()
	meta.FeedURL = arc.fc.archiveURL(n, f)
	meta.Archive = ArchiveLinks{
		IsArchive: true,
		Current:   arc.fc.feedURL[f],
		Prev:      arc.fc.archiveURL(arc.prev(n), f),
		Next:      arc.fc.archiveURL(arc.next(n), f),
	}
	body, err := Render(meta, items, f)
	if err != nil {
		return nil, fmt.Errorf("archive %s/%d: %w", slug, n, err)
	}
	meta = meta.normalise(items)
	// The newest page still gains its next-archive link once a newer page
	// is cut, so it is cached only as long as the feed itself.
	cc := arc.fc.cacheControl
	if arc.next(n) != 0 {
		cc = arc.fc.archiveCacheControl()
	}
	// The ETag derives from what the page shows (its sig), like the feed's
	// from its data: any replica computes the same one.
	v := validators{tag: hex.EncodeToString(page.sig[:16]) + strconv.Itoa(int(f)), lastModified: meta.Updated}
	r, err := newRendered(body, f, v, cc)
	if err != nil {
		return nil, fmt.Errorf("archive %s/%d: %w", slug, n, err)
	}
	if len(arc.rendered) >= maxRenderedPages {
		clear(arc.rendered)
	}
	arc.rendered[key] = r
	return r, nil
}

// archiveCacheControl is the Cache-Control of the feed's archive pages.
func (fc *feedConf) archiveCacheControl() string {
	scope := "public"
	if fc.access != nil {
		scope = "private"
	}
	return scope + ", max-age=" + strconv.Itoa(archiveMaxAge)
}

// fhArchive is RFC 5005's <fh:archive/>, marking an archive document.
type fhArchive struct {
	XMLName xml.Name `xml:"http://purl.org/syndication/history/1.0 archive"`
}

type relLink struct{ rel, href string }

// archiveLinks are a document's RFC 5005 links, in a fixed order.
func archiveLinks(meta *Meta) []relLink {
	var out []relLink
	a := meta.Archive
	for _, l := range []relLink{{"current", a.Current}, {"prev-archive", a.Prev}, {"next-archive", a.Next}} {
		if l.href != "" {
			out = append(out, l)
		}
	}
	return out
}

func rssArchiveLinks(meta *Meta) []rssHubLink {
	var out []rssHubLink
	for _, l := range archiveLinks(meta) {
		out = append(out, rssHubLink{Href: l.href, Rel: l.rel})
	}
	return out
}
