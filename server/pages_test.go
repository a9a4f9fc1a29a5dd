package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tributaryfeeds/tributary/opml"
)

func TestIndexAlternateLinks(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("code %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	doc, err := html.Parse(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	var alternates, anchors []map[string]string
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode {
			inHead = inHead || n.Data == "head"
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if n.Data == "link" && attrs["rel"] == "alternate" && inHead {
				alternates = append(alternates, attrs)
			}
			if n.Data == "a" {
				anchors = append(anchors, attrs)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	title := `World <news> & "more"`
	want := []map[string]string{
		{"rel": "alternate", "type": "application/atom+xml", "title": title, "href": "http://feeds.example/feeds/world.atom"},
		{"rel": "alternate", "type": "application/rss+xml", "title": title, "href": "http://feeds.example/feeds/world.rss"},
		{"rel": "alternate", "type": "application/feed+json", "title": title, "href": "http://feeds.example/feeds/world.json"},
	}
	if len(alternates) != 6 {
		t.Fatalf("%d alternate links, want 6: %v", len(alternates), alternates)
	}
	for i, wl := range want {
		for k, v := range wl {
			if alternates[i][k] != v {
				t.Errorf("link %d %s = %q, want %q", i, k, alternates[i][k], v)
			}
		}
	}
	hrefs := map[string]bool{}
	for _, a := range anchors {
		hrefs[a["href"]] = true
	}
	for _, h := range []string{"/status", "/opml", "/feeds/world", "http://feeds.example/feeds/empty.json"} {
		if !hrefs[h] {
			t.Errorf("no link to %s", h)
		}
	}
	body := w.Body.String()
	if !strings.Contains(body, "Wire and embassy news") || strings.Contains(body, "<news>") {
		t.Error("description missing or title not escaped")
	}
}

func TestOPML(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/opml")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/x-opml; charset=utf-8" {
		t.Fatalf("code %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	outs, err := opml.Import(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 || outs[0].XMLURL != "http://feeds.example/feeds/world.atom" ||
		outs[0].HTMLURL != "http://feeds.example/" || outs[0].Title != `World <news> & "more"` {
		t.Fatalf("outlines %+v", outs)
	}
	// The same title as "tributary opml export" (cmd tests compare bytes).
	if !strings.Contains(body, "<title>tributary feeds</title>") {
		t.Errorf("OPML title is not \"tributary feeds\":\n%s", body)
	}
}

func TestStatusJSON(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/status.json")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("code %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	doc := map[string][]map[string]any{}
	for k, v := range top {
		var err error
		if k == "store" {
			err = json.Unmarshal(v, &st)
		} else {
			var list []map[string]any
			err = json.Unmarshal(v, &list)
			doc[k] = list
		}
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if len(top) != 3 || len(doc["sources"]) != 2 || len(doc["feeds"]) != 2 {
		t.Fatalf("shape: %s", w.Body.String())
	}
	checkJSON(t, st, map[string]any{"ok": true, "failing_since": nil, "write_errors": 0.0})
	wantSource := map[string]any{
		"name": "world-wire", "kind": "feed", "schedule": "*/15 * * * *", "items": 120.0,
		"last_fetch": "2026-03-04T05:06:07Z", "last_success": "2026-03-04T05:06:07Z",
		"last_error": "", "consecutive_failures": 0.0, "next_run": "2026-03-04T05:21:07Z",
		"health": "healthy", "stale": false, "expect": "", "last_new_item": nil,
	}
	checkJSON(t, doc["sources"][0], wantSource)
	hostile := doc["sources"][1]
	if hostile["last_success"] != nil || hostile["next_run"] != nil || hostile["consecutive_failures"] != 3.0 {
		t.Errorf("zero times must be null: %v", hostile)
	}
	checkJSON(t, doc["feeds"][0], map[string]any{"slug": "world", "title": `World <news> & "more"`, "items": 50.0, "updated": "2026-03-04T05:06:07Z"})
	checkJSON(t, doc["feeds"][1], map[string]any{"slug": "empty", "title": "Empty", "items": 0.0, "updated": nil})
}

func checkJSON(t *testing.T, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	for k, v := range want {
		if gv, ok := got[k]; !ok || gv != v {
			t.Errorf("%s = %#v (present %v), want %#v", k, gv, ok, v)
		}
	}
}

func TestStatusHTMLEscapes(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("GET", "/status")
	body := w.Body.String()
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("code %d", w.Code)
	}
	if strings.Contains(body, "<script>") {
		t.Fatal("hostile error string not escaped")
	}
	for _, s := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "world-wire",
		`<time datetime="2026-03-04T05:21:07Z" title="Wed, 4 Mar 2026 05:21:07 UTC">1 hour ago</time>`, "never",
		`<td data-label="Items" class="num">120</td>`, "3 failures in a row", `<td data-label="Items" class="num">50</td>`} {
		if !strings.Contains(body, s) {
			t.Errorf("status page lacks %q", s)
		}
	}
}

func TestStatusError(t *testing.T) {
	fx := newFixture(t, "")
	fx.sources.err = errors.New("db down: /secret/path")
	for _, p := range []string{"/status", "/status.json"} {
		w := fx.do("GET", p)
		if w.Code != 500 || strings.Contains(w.Body.String(), "secret") {
			t.Fatalf("%s: code %d body %q", p, w.Code, w.Body.String())
		}
	}
}

func TestHealthAndReady(t *testing.T) {
	fx := newFixture(t, "")
	if w := fx.do("GET", "/healthz"); w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("healthz %d %q", w.Code, w.Body.String())
	}
	if w := fx.do("GET", "/readyz"); w.Code != 503 {
		t.Fatalf("readyz before ready: %d", w.Code)
	}
	fx.feeds.ready.Store(true)
	if w := fx.do("GET", "/readyz"); w.Code != 200 {
		t.Fatalf("readyz when ready: %d", w.Code)
	}
}

func TestNilDependencies(t *testing.T) {
	s := New(Options{})
	fx := &fixture{srv: s}
	for path, want := range map[string]int{
		"/": 200, "/opml": 200, "/status": 200, "/status.json": 200, "/healthz": 200,
		"/readyz": 503, "/metrics": 404, "/feeds/world.atom": 404, "/admin/status": 404,
	} {
		if w := fx.do("GET", path); w.Code != want {
			t.Errorf("%s: %d, want %d", path, w.Code, want)
		}
	}
}
