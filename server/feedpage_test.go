package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestPrefersHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                      false,
		"*/*":                                   false,
		"text/html":                             true,
		browserAccept:                           true,
		"application/xhtml+xml":                 true,
		"text/html, application/atom+xml":       false, // a tie goes to the feed
		"application/atom+xml;q=0.5, text/html": true,
		"text/html;q=0.5, */*":                  false,
		"text/html;q=0":                         false,
		"application/rss+xml, text/html;q=0.9, */*": false,
		"text/*":        false, // HTML must be asked for by name
		"TEXT/HTML;Q=1": true,
	} {
		if got := prefersHTML([]string{accept}); got != want {
			t.Errorf("prefersHTML(%q) = %v, want %v", accept, got, want)
		}
	}
}

// texts returns the text of every element matching tag and class (class
// "" matches any), in document order.
func texts(t *testing.T, body, tag, class string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (class == "" || hasClass(n, class)) {
			out = append(out, strings.TrimSpace(text(n)))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

func TestFeedPage(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/feeds/world", "Accept", browserAccept)
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("code %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	h := w.Header()
	for k, want := range map[string]string{
		"Vary": "Accept, Accept-Encoding", "Cache-Control": "no-cache",
		"Content-Security-Policy": ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	etag := h.Get("ETag")
	if !strings.HasPrefix(etag, `"p-`) {
		t.Errorf("ETag %q", etag)
	}
	body := w.Body.String()
	if got, want := texts(t, body, "h1", ""), []string{`World <news> & "more"`}; !reflect.DeepEqual(got, want) {
		t.Errorf("h1 = %q, want %q", got, want)
	}
	wantTitles := []string{"Summit opens in Geneva", hostileTitle, "Trade talks & tariffs"}
	if got := texts(t, body, "h2", ""); !reflect.DeepEqual(got[2:], wantTitles) {
		t.Errorf("item titles = %q, want %q", got[2:], wantTitles)
	}
	if strings.Contains(body, "<img src=x") || strings.Contains(body, "<script>alert") {
		t.Error("hostile text not escaped")
	}
	for _, s := range []string{
		`<a href="https://news.example/summit">`,
		`<a href="https://other.example/story?id=7&amp;x=1">`,
		`title="Wed, 4 Mar 2026 02:06:07 UTC">4 hours ago</time>`,
		`<span>Anna Berg</span>`,
		`<img src="https://news.example/summit.jpg" alt=""`,
		`value="http://feeds.example/feeds/world.atom" readonly>`,
		`value="http://feeds.example/feeds/world.rss" readonly>`,
		`value="http://feeds.example/feeds/world.json" readonly>`,
		`<script src="/assets/app.js?v=`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	// No inline script or style: the CSP would block it.
	if strings.Count(body, "<script") != 1 || strings.Contains(body, "<style") || strings.Contains(body, " style=") ||
		strings.Contains(body, " onclick=") {
		t.Error("inline script or style in the page")
	}

	// Revalidation: the same page is a 304 with the same tag.
	w = fx.do("GET", "/feeds/world", "Accept", browserAccept, "If-None-Match", etag)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
		t.Errorf("revalidation: code %d, %d bytes, ETag %q", w.Code, w.Body.Len(), w.Header().Get("ETag"))
	}
	w = fx.do("HEAD", "/feeds/world", "Accept", browserAccept)
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
		t.Errorf("HEAD: code %d, %d bytes", w.Code, w.Body.Len())
	}
	// The feed readers' view is unchanged.
	w = fx.do("GET", "/feeds/world", "Accept", "*/*")
	if w.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Errorf("*/* got %q", w.Header().Get("Content-Type"))
	}
	// An explicit extension is never a page.
	w = fx.do("GET", "/feeds/world.rss", "Accept", browserAccept)
	if w.Header().Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Errorf("world.rss got %q", w.Header().Get("Content-Type"))
	}
}

// TestFeedPageETagAges: relative times move the page, and so its ETag.
func TestFeedPageETagAges(t *testing.T) {
	fx := newFixture(t, "")
	first := fx.do("GET", "/feeds/world", "Accept", browserAccept).Header().Get("ETag")
	now := testNow.Add(3 * time.Hour)
	fx.srv.clock = func() time.Time { return now }
	w := fx.do("GET", "/feeds/world", "Accept", browserAccept, "If-None-Match", first)
	if w.Code != 200 || w.Header().Get("ETag") == first || !strings.Contains(w.Body.String(), ">7 hours ago</time>") {
		t.Errorf("3 hours later: code %d, ETag %q (was %q)", w.Code, w.Header().Get("ETag"), first)
	}
}

func TestFeedPageEmptyAndUnknown(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/feeds/empty", "Accept", "text/html")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "No items yet") {
		t.Errorf("empty feed: code %d", w.Code)
	}
	if w := fx.do("GET", "/feeds/nope", "Accept", "text/html"); w.Code != 404 {
		t.Errorf("unknown feed: code %d", w.Code)
	}
}

func TestIndexLinksPages(t *testing.T) {
	fx := newFixture(t, "")
	body := fx.do("GET", "/").Body.String()
	for _, s := range []string{
		`<h2><a href="/feeds/world">World &lt;news&gt; &amp; &#34;more&#34;</a></h2>`,
		`<span>50 items</span><span>updated <time datetime="2026-03-04T05:06:07Z" title="Wed, 4 Mar 2026 05:06:07 UTC">1 hour ago</time></span>`,
		`<span>0 items</span><span>updated never</span>`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("index lacks %s", s)
		}
	}
}

func TestStatusOrdersProblemsFirst(t *testing.T) {
	fx := newFixture(t, "")
	fx.sources.status = []scheduler.SourceStatus{
		{Name: "fine", Health: scheduler.Healthy},
		{Name: "new", Health: scheduler.Pending},
		{Name: "quiet", Health: scheduler.Stale, Expect: 48 * time.Hour, LastSuccess: testModified,
			LastNewItem: testModified.Add(-72 * time.Hour)},
		{Name: "down", Health: scheduler.Failing, LastError: "GET https://down.example/: 503 Service Unavailable", Failures: 1},
		{Name: "also-fine", Health: scheduler.Healthy},
	}
	body := fx.do("GET", "/status").Body.String()
	var names []string
	for _, m := range regexp.MustCompile(`<th scope="row"><a href="/status/sources/([^"]+)">`).FindAllStringSubmatch(body, -1) {
		names = append(names, m[1])
	}
	if want := []string{"down", "quiet", "fine", "also-fine", "new"}; !reflect.DeepEqual(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
	for _, s := range []string{
		`<title>(2) Status · tributary</title>`,
		`No new item for 3 days; expected within 2 days.`,
		`<li class="failing"><strong>1</strong>failing</li>`,
		`<li class="stale"><strong>1</strong>stale</li>`,
		`<li class="healthy"><strong>2</strong>healthy</li>`,
		`<a href="/status/sources/quiet">quiet</a>`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("status page lacks %s", s)
		}
	}
	var doc struct {
		Sources []map[string]any `json:"sources"`
	}
	if err := json.Unmarshal(fx.do("GET", "/status.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	q := doc.Sources[2]
	if q["name"] != "quiet" || q["health"] != "stale" || q["stale"] != true || q["expect"] != "48h" ||
		q["last_new_item"] != "2026-03-01T05:06:07Z" {
		t.Errorf("stale source in status.json: %v", q)
	}
}

func TestSourcePage(t *testing.T) {
	fx := newFixture(t, "")
	fx.sources.history = map[string][]store.Fetch{"hostile": {
		{Source: "hostile", At: testModified, Outcome: "error", Status: 502, Duration: 1500 * time.Millisecond,
			Error: `GET https://h.example/: 502 Bad Gateway <b>`},
		{Source: "hostile", At: testModified.Add(-30 * time.Minute), Outcome: "ok", Status: 200, New: 4, Updated: 1,
			Duration: 230 * time.Millisecond, Warnings: []string{`item 3 ("<i>x</i>"): no date`},
			Matches: []sources.Match{{Selector: "item", Count: 9}, {Selector: "date", Count: 0}}},
	}}
	w := fx.do("GET", "/status/sources/hostile")
	if w.Code != 200 || w.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Fatalf("code %d, CSP %q", w.Code, w.Header().Get("Content-Security-Policy"))
	}
	body := w.Body.String()
	for _, s := range []string{
		`<h1>hostile</h1><span class="badge failing">failing</span>`,
		`<h2 id="fetches-title">Recent fetches</h2>`, `<span>the last 50 are kept</span>`,
		`<span class="badge error">error</span>`,
		`<td data-label="HTTP" class="num">502</td>`,
		`<td data-label="Took" class="num">1.5 s</td>`,
		`<p class="problem">GET https://h.example/: 502 Bad Gateway &lt;b&gt;</p>`,
		`<td data-label="New" class="num">4</td>`,
		`<li>item 3 (&#34;&lt;i&gt;x&lt;/i&gt;&#34;): no date</li>`,
		`<ul class="matches"><li>item 9</li><li class="zero">date 0</li></ul>`,
		`<td data-label="Took" class="num">230 ms</td>`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("source page lacks %s", s)
		}
	}
	w = fx.do("GET", "/status/sources/hostile.json")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("json: code %d", w.Code)
	}
	var doc struct {
		Source  map[string]any   `json:"source"`
		Fetches []map[string]any `json:"fetches"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Source["name"] != "hostile" || doc.Source["health"] != "failing" || len(doc.Fetches) != 2 {
		t.Fatalf("json: %s", w.Body.String())
	}
	for _, k := range []string{"warnings", "matches"} {
		// Empty lists are [], never null; compared as text below.
		if l, ok := doc.Fetches[0][k].([]any); ok && len(l) == 0 {
			doc.Fetches[0][k] = "[]"
		}
	}
	checkJSON(t, doc.Fetches[0], map[string]any{
		"at": "2026-03-04T05:06:07Z", "outcome": "error", "http_status": 502.0, "new": 0.0, "updated": 0.0,
		"duration_ms": 1500.0, "error": "GET https://h.example/: 502 Bad Gateway <b>",
		"warnings": "[]", "matches": "[]",
	})
	if m := doc.Fetches[1]["matches"].([]any); len(m) != 2 || m[1].(map[string]any)["selector"] != "date" {
		t.Errorf("matches %v", m)
	}
	for _, p := range []string{"/status/sources/nope", "/status/sources/nope.json", "/status/sources/", "/status/sources/a/b"} {
		if w := fx.do("GET", p); w.Code != 404 {
			t.Errorf("%s: code %d, want 404", p, w.Code)
		}
	}
	if w := fx.do("POST", "/status/sources/hostile"); w.Code != 405 {
		t.Errorf("POST: code %d", w.Code)
	}
	// A source without history yet.
	if w := fx.do("GET", "/status/sources/world-wire"); w.Code != 200 || !strings.Contains(w.Body.String(), "No fetch recorded yet") {
		t.Errorf("no history: code %d", w.Code)
	}
}

func TestAssets(t *testing.T) {
	fx := newFixture(t, "")
	for path, ct := range map[string]string{
		"/assets/style.css": "text/css; charset=utf-8",
		"/assets/app.js":    "text/javascript; charset=utf-8",
	} {
		w := fx.do("GET", path+"?v=whatever")
		if w.Code != 200 || w.Header().Get("Content-Type") != ct || w.Body.Len() == 0 ||
			w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: code %d, Content-Type %q", path, w.Code, w.Header().Get("Content-Type"))
		}
		w = fx.do("GET", path, "If-None-Match", w.Header().Get("ETag"))
		if w.Code != 304 {
			t.Errorf("%s revalidated: code %d", path, w.Code)
		}
	}
	if w := fx.do("GET", "/assets/nope.js"); w.Code != 404 {
		t.Errorf("unknown asset: code %d", w.Code)
	}
	// Pages link the fingerprinted URL of the bytes served.
	if !strings.Contains(fx.do("GET", "/").Body.String(), `href="`+fx.srv.assets.css.path+`"`) {
		t.Error("index does not link the stylesheet")
	}
}

// TestPrivateFeedHasNoPage: a private feed is for programs with a token;
// a browser gets the feed (after the token check), never a page.
func TestPrivateFeedHasNoPage(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.access = map[string]*feeds.Access{"world": feeds.NewAccess([]string{"s3cret-token-for-world"})}
	if w := fx.do("GET", "/feeds/world", "Accept", browserAccept); w.Code != http.StatusUnauthorized {
		t.Errorf("without token: code %d, want 401", w.Code)
	}
	w := fx.do("GET", "/feeds/world?token=s3cret-token-for-world", "Accept", browserAccept)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Errorf("with token: code %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
}

// TestBasePath: behind a proxy at a path, links between pages keep the
// prefix; feed URLs stay absolute.
func TestBasePath(t *testing.T) {
	for in, want := range map[string]string{
		"http://feeds.example/": "", "http://feeds.example": "", "https://example.org/news/": "/news",
		"https://example.org/a%20b": "/a%20b", "::bad": "",
	} {
		if got := basePathOf(in); got != want {
			t.Errorf("basePathOf(%q) = %q, want %q", in, got, want)
		}
	}
	srv := New(Options{Feeds: newFakeFeeds(t), Sources: &fakeSources{}, BaseURL: "https://example.org/news/"})
	r := httptest.NewRequest("GET", "/feeds/world", nil)
	r.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	body := w.Body.String()
	for _, s := range []string{`href="/news/status"`, `href="/news/assets/style.css?v=`, `value="https://example.org/news/feeds/world.atom"`} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %s", s)
		}
	}
}

// FuzzPrefersHTML: whatever the header, a feed reader's own preference is
// never overridden. Naming a feed type first at full weight always wins
// over HTML, and HTML never wins unless it is named.
func FuzzPrefersHTML(f *testing.F) {
	f.Add(browserAccept)
	f.Add("text/html;q=0.9, application/atom+xml;q=0.8, */*")
	f.Add(";;;,,q=,text/html;q=1.0001")
	f.Fuzz(func(t *testing.T, accept string) {
		got := prefersHTML([]string{accept})
		lower := strings.ToLower(accept)
		if got && !strings.Contains(lower, "text/html") && !strings.Contains(lower, "application/xhtml+xml") {
			t.Fatalf("HTML preferred for %q, which does not name it", accept)
		}
		if prefersHTML([]string{"application/atom+xml", accept}) {
			t.Fatalf("HTML preferred over an explicit application/atom+xml for %q", accept)
		}
	})
}

// TestCountsFromCurrentPage: feeds render on demand, so the index and the
// status pages take a feed's item count from its current page, not from a
// last render that may be old or, since the start, missing.
func TestCountsFromCurrentPage(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.infos[0].Items = 0 // nobody has read the feed since the start
	pg := *fx.feeds.pages["world"]
	pg.Info.Items = 3
	fx.feeds.pages["world"] = &pg
	if body := fx.do("GET", "/").Body.String(); !strings.Contains(body, "<span>3 items</span>") {
		t.Error("index does not show the current count")
	}
	if body := fx.do("GET", "/status").Body.String(); !strings.Contains(body, `<td data-label="Items" class="num">3</td>`) {
		t.Error("status page does not show the current count")
	}
	if body := fx.do("GET", "/status.json").Body.String(); !strings.Contains(body, `"items": 3,`) {
		t.Errorf("status.json does not show the current count:\n%s", body)
	}
}

// TestFeedPageCache: within a minute the page is served from the cache;
// a new build of the feed's page replaces it at once; the cache is bounded.
func TestFeedPageCache(t *testing.T) {
	fx := newFixture(t, "")
	first := fx.do("GET", "/feeds/world", "Accept", "text/html")
	pg := *fx.feeds.pages["world"]
	pg.Entries = append([]feeds.PageEntry{{Title: "Breaking", Link: "https://news.example/new", Date: testModified, Source: "world-wire"}}, pg.Entries...)
	fx.feeds.pages["world"] = &pg
	second := fx.do("GET", "/feeds/world", "Accept", "text/html")
	if second.Header().Get("ETag") == first.Header().Get("ETag") || !strings.Contains(second.Body.String(), ">Breaking</a>") {
		t.Error("a new page build was not served")
	}
	if fx.srv.pageCache.get("world", &pg, testNow.Truncate(time.Minute).Add(time.Minute)) == nil {
		t.Error("the page is not cached for the minute")
	}
	var c pageCache
	for i := range pageCacheSize + 10 {
		c.put(fmt.Sprint(i), &renderedPage{})
	}
	if len(c.m) != pageCacheSize {
		t.Errorf("cache holds %d pages, want %d", len(c.m), pageCacheSize)
	}
}
