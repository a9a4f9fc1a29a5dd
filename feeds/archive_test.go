package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// archiveRig is a publisher over a real SQLite store with one archived
// feed, "hist", of sources a and b, pages of 20 items.
type archiveRig struct {
	t   *testing.T
	db  *sqlite.DB
	p   *Publisher
	now time.Time
	n   int // items made so far
	// want is every item the walk must find: retained, not excluded, and
	// not a later copy of another.
	want map[string]bool
	// dupOf maps a duplicate to the item whose copy hides it.
	dupOf map[string]string
}

const archivePageSize = 20

func newArchiveRig(t *testing.T, tweak ...func(*config.Feed)) *archiveRig {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := config.Feed{Slug: "hist", Title: "History", Sources: []string{"a", "b"}, Limit: archivePageSize,
		Archive: true, Exclude: []string{"sponsored"}}
	for _, fn := range tweak {
		fn(&f)
	}
	cfg := testConfig(f)
	r := &archiveRig{t: t, db: db, now: fixtureTime, want: map[string]bool{}, dupOf: map[string]string{}}
	r.p = NewPublisher(Options{Store: db, Config: cfg, Now: func() time.Time { return r.now }})
	return r
}

// round stores perSource new items in each source, one fetch each, a
// second apart. Some are sponsored (filtered out) and some of b's repeat
// an earlier link of a (duplicates: the earlier copy stays).
func (r *archiveRig) round(perSource int) {
	r.t.Helper()
	ctx := context.Background()
	for _, src := range []string{"a", "b"} {
		items := make([]sources.Item, perSource)
		for i := range items {
			r.n++
			id := fmt.Sprintf("%s-%05d", src, r.n)
			it := sources.Item{Source: src, ID: id, Title: "Story " + id, Link: "https://example.org/" + id,
				Summary: "<p>Text of " + id + "</p>", Published: r.now.Add(-time.Duration(r.n%7) * time.Minute)}
			switch {
			case r.n%17 == 0:
				it.Title += " (sponsored)"
			case src == "b" && r.n%5 == 0:
				// The same link as a's item of this round, stored first: a's
				// copy wins, unless it was sponsored and so never shown.
				orig := r.n - perSource
				it.Link = fmt.Sprintf("https://example.org/a-%05d", orig)
				r.want[src+"/"+id] = orig%17 == 0
				r.dupOf[src+"/"+id] = fmt.Sprintf("a/a-%05d", orig)
			default:
				r.want[src+"/"+id] = true
			}
			items[i] = it
		}
		if _, err := r.db.Upsert(ctx, src, items, r.now); err != nil {
			r.t.Fatal(err)
		}
		r.now = r.now.Add(30 * time.Minute) // rounds do not overlap in date, so pruning takes the oldest
	}
	if err := r.p.RenderAll(ctx); err != nil {
		r.t.Fatal(err)
	}
}

type jsonDoc struct {
	NextURL   string `json:"next_url"`
	FeedURL   string `json:"feed_url"`
	Tributary *struct {
		Archive     bool   `json:"archive"`
		Current     string `json:"current"`
		NextArchive string `json:"next_archive"`
	} `json:"_tributary"`
	Items []struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	} `json:"items"`
}

// pageNumber reads n from .../archive/n.ext.
func pageNumber(t *testing.T, url string) int {
	t.Helper()
	_, rest, ok := strings.Cut(url, "/feeds/hist/archive/")
	n, err := strconv.Atoi(strings.TrimSuffix(rest, ".json"))
	if !ok || err != nil {
		t.Fatalf("not an archive page URL: %q", url)
	}
	return n
}

// walk follows next_url from the current JSON document to the oldest page
// and returns how often each item was seen and the pages by number.
func (r *archiveRig) walk(fullPages bool) (map[string]int, map[int]*Rendered) {
	r.t.Helper()
	seen := map[string]int{}
	pages := map[int]*Rendered{}
	cur := r.p.Get("hist", JSON)
	doc := r.decode(cur.Body)
	for _, it := range doc.Items {
		seen[it.ID]++
	}
	next, newer := doc.NextURL, 0
	for next != "" {
		n := pageNumber(r.t, next)
		rd, err := r.p.Archive(context.Background(), "hist", n, JSON)
		if err != nil || rd == nil {
			r.t.Fatalf("page %d: %v, %v", n, rd, err)
		}
		pages[n] = rd
		page := r.decode(rd.Body)
		if page.Tributary == nil || !page.Tributary.Archive || page.Tributary.Current != "http://127.0.0.1:8080/feeds/hist.json" {
			r.t.Fatalf("page %d lacks the archive extension: %+v", n, page.Tributary)
		}
		if newer != 0 && page.Tributary.NextArchive != fmt.Sprintf("http://127.0.0.1:8080/feeds/hist/archive/%d.json", newer) {
			r.t.Errorf("page %d next_archive = %q, want page %d", n, page.Tributary.NextArchive, newer)
		}
		if page.FeedURL != next {
			r.t.Errorf("page %d feed_url = %q, want its own address", n, page.FeedURL)
		}
		if fullPages && len(page.Items) != archivePageSize {
			r.t.Errorf("page %d has %d items, want %d", n, len(page.Items), archivePageSize)
		}
		for _, it := range page.Items {
			seen[it.ID]++
		}
		if len(pages) > 10000 {
			r.t.Fatal("the walk does not end")
		}
		next, newer = page.NextURL, n
	}
	return seen, pages
}

func (r *archiveRig) decode(body []byte) jsonDoc {
	r.t.Helper()
	var d jsonDoc
	if err := json.Unmarshal(body, &d); err != nil {
		r.t.Fatal(err)
	}
	return d
}

// exactlyOnce checks that the walk saw every wanted item once and nothing
// else.
func (r *archiveRig) exactlyOnce(seen map[string]int) {
	r.t.Helper()
	bad := 0
	for id, n := range seen {
		key := strings.SplitN(id, "-", 2)[0] + "/" + id
		if n != 1 || !r.want[key] {
			if bad++; bad < 5 {
				r.t.Errorf("item %s seen %d times (wanted: %v)", id, n, r.want[key])
			}
		}
	}
	for key, w := range r.want {
		if !w {
			continue
		}
		id := strings.SplitN(key, "/", 2)[1]
		if seen[id] == 0 {
			if bad++; bad < 10 {
				r.t.Errorf("item %s never reached", key)
			}
		}
	}
	if bad > 0 {
		r.t.Fatalf("%d items wrong of %d wanted, %d seen", bad, len(r.want), len(seen))
	}
}

func TestArchiveWalkReachesEveryItemOnce(t *testing.T) {
	r := newArchiveRig(t)
	r.round(5) // too few for a page: no archive yet
	if doc := r.decode(r.p.Get("hist", JSON).Body); doc.NextURL != "" {
		t.Fatalf("a feed of %d items links an archive: %q", len(doc.Items), doc.NextURL)
	}
	if rd, err := r.p.Archive(context.Background(), "hist", 1, JSON); rd != nil || err != nil {
		t.Fatalf("page 1 before any page is complete: %v, %v", rd, err)
	}
	var kept map[int]*Rendered
	for i := 0; i < 6; i++ {
		r.round(200)
		if i == 1 {
			seen, pages := r.walk(true)
			r.exactlyOnce(seen)
			kept = pages
			delete(kept, len(pages)) // the newest page gains its next-archive link once
		}
	}
	seen, pages := r.walk(true)
	r.exactlyOnce(seen)
	if len(seen) < 2000 || len(pages) < 100 {
		t.Fatalf("only %d items on %d pages: the walk proves too little", len(seen), len(pages))
	}
	// Pages complete after two rounds did not change while four more
	// rounds arrived: same bytes, same ETag, same Last-Modified.
	for n, before := range kept {
		after := pages[n]
		if after == nil || !bytes.Equal(after.Body, before.Body) || after.ETag != before.ETag || after.LastModifiedHTTP != before.LastModifiedHTTP {
			t.Errorf("complete page %d changed when new items arrived", n)
		}
		if after.CacheControl != "public, max-age=2592000" && n < len(pages) {
			t.Errorf("page %d Cache-Control = %q", n, after.CacheControl)
		}
	}
	// The current document holds between one and two pages' worth.
	if n := len(r.decode(r.p.Get("hist", JSON).Body).Items); n < archivePageSize || n >= 2*archivePageSize {
		t.Errorf("current document has %d items, want [%d, %d)", n, archivePageSize, 2*archivePageSize)
	}
	for _, bad := range []int{0, -1, len(pages) + 1} {
		if rd, _ := r.p.Archive(context.Background(), "hist", bad, JSON); rd != nil {
			t.Errorf("page %d exists", bad)
		}
	}

	// Pruning the oldest items of a: pages that lose nothing keep their
	// bytes; the walk still finds every retained item once.
	ctx := context.Background()
	if _, err := r.db.Prune(ctx, "a", 800); err != nil {
		t.Fatal(err)
	}
	stored, err := r.db.History(ctx, storeHistoryAll())
	if err != nil {
		t.Fatal(err)
	}
	retained := map[string]bool{}
	for _, it := range stored {
		retained[it.Source+"/"+it.ID] = true
	}
	for key := range r.want {
		if !retained[key] {
			delete(r.want, key)
		}
	}
	for dup, orig := range r.dupOf {
		if retained[dup] && !retained[orig] {
			r.want[dup] = true // its earlier copy is gone: now it shows
		}
	}
	r.now = r.now.Add(time.Minute)
	if err := r.p.RenderAll(ctx); err != nil {
		t.Fatal(err)
	}
	seen, after := r.walk(false) // pages lost items, and later copies of pruned ones now show
	r.exactlyOnce(seen)
	unchanged := 0
	for n, rd := range after {
		if old := pages[n]; old != nil && bytes.Equal(old.Body, rd.Body) {
			unchanged++
		}
	}
	if unchanged < len(after)/3 {
		t.Errorf("only %d of %d pages kept their bytes after pruning the oldest items", unchanged, len(after))
	}
}

func storeHistoryAll() store.HistoryQuery {
	return store.HistoryQuery{Sources: []string{"a", "b"}}
}

// atomLinks reads the feed-level links and whether fh:archive is there.
func atomLinks(t *testing.T, body []byte) (map[string]string, bool) {
	t.Helper()
	var doc struct {
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range doc.Links {
		out[l.Rel] = l.Href
	}
	return out, doc.Archive != nil
}

func rssLinks(t *testing.T, body []byte) (map[string]string, bool) {
	t.Helper()
	var doc struct {
		Channel struct {
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range doc.Channel.Links {
		out[l.Rel] = l.Href
	}
	return out, doc.Channel.Archive != nil
}

func TestArchiveDocumentsLinkAndValidate(t *testing.T) {
	r := newArchiveRig(t)
	for i := 0; i < 4; i++ {
		r.round(25) // 4 rounds of 50: several pages
	}
	ctx := context.Background()
	base := "http://127.0.0.1:8080/feeds/hist"
	page := func(n int, f Format) *Rendered {
		t.Helper()
		rd, err := r.p.Archive(ctx, "hist", n, f)
		if err != nil || rd == nil {
			t.Fatalf("page %d %s: %v %v", n, f, rd, err)
		}
		return rd
	}
	newest := 0
	for n := 1; ; n++ {
		if rd, _ := r.p.Archive(ctx, "hist", n, Atom); rd == nil {
			newest = n - 1
			break
		}
	}
	if newest < 3 {
		t.Fatalf("only %d pages", newest)
	}
	tests := []struct {
		name    string
		body    []byte
		f       Format
		archive bool
		links   map[string]string
	}{
		{"current atom", r.p.Get("hist", Atom).Body, Atom, false, map[string]string{
			"self": base + ".atom", "prev-archive": fmt.Sprintf("%s/archive/%d.atom", base, newest)}},
		{"current rss", r.p.Get("hist", RSS).Body, RSS, false, map[string]string{
			"self": base + ".rss", "prev-archive": fmt.Sprintf("%s/archive/%d.rss", base, newest)}},
		{"oldest atom", page(1, Atom).Body, Atom, true, map[string]string{
			"self": base + "/archive/1.atom", "current": base + ".atom", "next-archive": base + "/archive/2.atom"}},
		{"middle rss", page(2, RSS).Body, RSS, true, map[string]string{
			"self": base + "/archive/2.rss", "current": base + ".rss", "prev-archive": base + "/archive/1.rss", "next-archive": base + "/archive/3.rss"}},
		{"newest atom", page(newest, Atom).Body, Atom, true, map[string]string{
			"self": fmt.Sprintf("%s/archive/%d.atom", base, newest), "current": base + ".atom", "prev-archive": fmt.Sprintf("%s/archive/%d.atom", base, newest-1)}},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := atomLinks
			if tt.f == RSS {
				read = rssLinks
			}
			links, archive := read(t, tt.body)
			delete(links, "alternate")
			if archive != tt.archive {
				t.Errorf("fh:archive present = %v, want %v", archive, tt.archive)
			}
			if fmt.Sprint(links) != fmt.Sprint(tt.links) {
				t.Errorf("links = %v\nwant    %v", links, tt.links)
			}
			path := filepath.Join(dir, fmt.Sprintf("%d.%s", i, tt.f))
			if err := os.WriteFile(path, tt.body, 0o644); err != nil {
				t.Fatal(err)
			}
			requireTool(t, "/usr/bin/python3", "-c", "import feedparser")
			out, err := exec.Command("/usr/bin/python3", "-c",
				"import sys, feedparser; d = feedparser.parse(sys.argv[1]); print(int(bool(d.bozo)), len(d.entries), repr(d.get('bozo_exception')))", path).CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "0 ") {
				t.Errorf("feedparser: %v %s", err, out)
			}
			if tt.f == Atom {
				requireTool(t, "jing")
				if out, err := exec.Command("jing", "-c", filepath.Join("testdata", "atom.rnc"), path).CombinedOutput(); err != nil {
					t.Errorf("jing: %v\n%s", err, out)
				}
			}
		})
	}
}

func TestPrivateArchivePages(t *testing.T) {
	r := newArchiveRig(t, func(f *config.Feed) { f.Access = &config.Access{Tokens: []string{"0123456789abcdef"}} })
	for range 3 {
		r.round(25)
	}
	ctx := context.Background()
	for n, want := range map[int]string{1: "private, max-age=2592000"} {
		rd, err := r.p.Archive(ctx, "hist", n, RSS)
		if err != nil || rd == nil {
			t.Fatalf("page %d: %v %v", n, rd, err)
		}
		if rd.CacheControl != want || bytes.Contains(rd.Body, []byte("0123456789abcdef")) {
			t.Errorf("page %d: Cache-Control %q (want %q), or the token in the body", n, rd.CacheControl, want)
		}
	}
	if cc := r.p.Get("hist", RSS).CacheControl; !strings.HasPrefix(cc, "private, ") {
		t.Errorf("current document Cache-Control %q", cc)
	}
	if r.p.Access("hist") == nil {
		t.Error("the archived feed is not private")
	}
}
