package html

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

const cardsPage = `<html><body>
<div class="card"><h3> First  story </h3><a class="more" href="/s/1">read</a><span data-date="2026-11-17T10:00:00Z"></span><p>One <b>bold</b>.</p></div>
<div class="card"><h3>Second story</h3><a class="more" href="s/2">read</a><span data-date="2026-11-16T10:00:00Z"></span><p>Two.</p></div>
<div class="ad"><h3>Sponsored</h3><a href="/ad">buy</a></div>
</body></html>`

// TestXPathAndCSSSideBySide: the same listing read with CSS, with XPath,
// and with both mixed in one select gives the same items.
func TestXPathAndCSSSideBySide(t *testing.T) {
	sels := map[string]config.Select{
		"css":   {Item: "div.card", Title: "h3", Link: "a.more@href", Date: "span@data-date", Summary: "p"},
		"xpath": {Item: "xpath://div[@class='card']", Title: "xpath:./h3", Link: "xpath:.//a[@class='more']/@href", Date: "xpath:.//span/@data-date", Summary: "xpath:./p"},
		"mixed": {Item: "xpath://div[@class='card']", Title: "h3", Link: "xpath:.//a/@href", Date: "span@data-date", Summary: "xpath:p"},
	}
	var want []sources.Item
	for _, name := range []string{"css", "xpath", "mixed"} {
		items, warns, err := Parse([]byte(cardsPage), "https://city.example.org/news/", mustCompile(t, sels[name]), nil, testNow)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(items) != 2 || items[0].Title != "First story" || items[1].Link != "https://city.example.org/news/s/2" ||
			items[0].Published.Day() != 17 || items[0].Summary != "One <b>bold</b>." || len(warns) != 0 {
			t.Errorf("%s: items %+v warnings %q", name, items, warns)
		}
		if want == nil {
			want = items
		} else if !reflect.DeepEqual(items, want) {
			t.Errorf("%s differs from css:\n%+v\n%+v", name, items, want)
		}
	}
}

func TestXPathErrors(t *testing.T) {
	for _, tt := range []struct {
		sel  config.Select
		want string
	}{
		{config.Select{Item: "xpath://div[", Title: "h3", Link: "a@href"}, `select.item: invalid XPath "//div["`},
		{config.Select{Item: "xpath://div/@id", Title: "h3", Link: "a@href"}, "must select elements"},
		{config.Select{Item: "li", Title: "xpath:", Link: "a@href"}, "empty XPath"},
	} {
		if _, err := config.CompileSelect(tt.sel); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.sel, err, tt.want)
		}
	}
	// An XPath that finds no items is reported like a CSS one.
	_, _, err := Parse([]byte(cardsPage), "https://x.example/", mustCompile(t, config.Select{Item: "xpath://article", Title: "h3", Link: "a@href"}), nil, testNow)
	if err == nil || !strings.Contains(err.Error(), `select.item "xpath://article" matched nothing`) {
		t.Errorf("err = %v", err)
	}
}

// TestHTMLPagination follows a CSS next link and an XPath one, stops at a
// loop, and counts per page what each selector matched.
func TestHTMLPagination(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("p")
		mu.Lock()
		hits[p]++
		mu.Unlock()
		next := map[string]string{"1": "2", "2": "1"}[p] // page 2 links back: a loop
		fmt.Fprintf(w, `<ul><li><a href="/a/%[1]s">Item %[1]s</a></li></ul><a rel="next" href="?p=%[2]s">next</a>`, p, next)
	}))
	defer srv.Close()
	for _, next := range []string{`a[rel=next]`, `xpath://a[@rel='next']/@href`} {
		mu.Lock()
		clear(hits)
		mu.Unlock()
		sel := mustCompile(t, config.Select{Item: "li", Title: "a", Link: "a@href"})
		nsel, err := config.CompileSelect(config.Select{Item: "li", Title: next, Link: "a@href"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Options{URL: srv.URL + "/?p=1", Select: sel, Next: nsel.Title, Pages: 5, Client: sources.NewClient(sources.ClientOptions{})})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Fetch(context.Background(), sources.Request{})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		h1, h2 := hits["1"], hits["2"]
		mu.Unlock()
		if len(res.Items) != 2 || h1 != 1 || h2 != 1 || len(res.Pages) != 2 {
			t.Errorf("next %s: %d items, hits %d/%d, %d pages", next, len(res.Items), h1, h2, len(res.Pages))
		}
		want := []sources.Match{{Selector: "item", Count: 1}, {Selector: "title", Count: 1}, {Selector: "link", Count: 1}, {Selector: "next", Count: 1}}
		if len(res.Pages) > 0 && !reflect.DeepEqual(res.Pages[0].Matches, want) {
			t.Errorf("page 1 matches %+v, want %+v", res.Pages[0].Matches, want)
		}
	}
}

// FuzzParseXPath runs hostile pages through XPath items and fields: no
// panic, and every item has an identity and an absolute link.
func FuzzParseXPath(f *testing.F) {
	f.Add([]byte(cardsPage))
	f.Add([]byte(`<div class="card"><h3><div class="card"><a href="javascript:x">`))
	f.Add([]byte(strings.Repeat("<div class='card'>", 300)))
	sel, err := config.CompileSelect(config.Select{Item: "xpath://div[@class='card']", Title: "xpath:./h3", Link: "xpath:.//a/@href", Date: "xpath:(.//span)[1]/@data-date", Summary: "xpath:../p"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		items, _, err := Parse(page, "https://x.example/a/", sel, testLoc, testNow)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.ID == "" || it.Title == "" && it.Link == "" {
				t.Fatalf("item without identity: %+v", it)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http") {
				t.Fatalf("link not absolute: %q", it.Link)
			}
		}
	})
}
