package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tributaryfeeds/tributary/internal/demo"
)

// newsroom runs a daemon over the demo newsroom and waits until every
// source has been fetched once and the wire feed is rendered. It returns
// the daemon's URL and the upstream.
func newsroom(t *testing.T) (string, *demo.Upstream) {
	t.Helper()
	up, err := demo.Start(time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = up.Close() })
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, demo.Config(dir, "127.0.0.1:0", "http://tributary.test", "", up.URL))
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	waitFor(t, "every source fetched once", func() bool {
		doc := status(t, base)
		for _, s := range doc.Sources {
			if s.LastFetch == nil {
				return false
			}
		}
		return len(doc.Sources) == 4
	})
	waitFor(t, "the wire feed rendered", func() bool {
		return len(waitFeedItems(t, base+"/feeds/wire.json")) == len(demo.Wire)
	})
	return base, up
}

func waitFeedItems(t *testing.T, url string) []any {
	t.Helper()
	var f struct {
		Items []any `json:"items"`
	}
	_, body := get(t, url)
	if err := json.Unmarshal(body, &f); err != nil {
		return nil
	}
	return f.Items
}

// browser starts headless Chromium for one test. Without Chromium the test
// is skipped, except in CI, which installs it and must run these tests.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := demo.Chromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found, and CI must run the browser tests (.ci/run installs chromium)")
		}
		t.Skip("no Chromium found (/usr/bin/chromium or on PATH): skipping the browser tests")
	}
	ctx, cancel := demo.Browser(context.Background(), path)
	t.Cleanup(cancel)
	// One deadline for everything the test asks of the browser.
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	return ctx
}

func evalIn[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	if resp.Status != 200 {
		t.Fatalf("navigate %s: status %d", url, resp.Status)
	}
}

type link struct {
	Title string `json:"title"`
	Href  string `json:"href"`
}

// TestBrowser drives headless Chromium through the pages of a daemon on
// loopback: the feed page, its links and subscribe buttons, escaping of a
// hostile title, the dashboard's order and the phone layout.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	base, up := newsroom(t)

	t.Run("feed page", func(t *testing.T) {
		navigate(t, ctx, base+"/feeds/wire")
		got := evalIn(t, ctx, chromedp.Evaluate[[]link](`[...document.querySelectorAll("ol.items article h2 a")].map(a => ({title: a.textContent, href: a.href}))`))
		var want []link
		for _, a := range demo.Wire {
			want = append(want, link{Title: a.Title, Href: up.ArticleURL(a.Slug)})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("items:\n got %v\nwant %v", got, want)
		}
		// The stylesheet applied, under the page's CSP.
		if w := evalIn(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".brand")).fontWeight`)); w != "700" {
			t.Errorf("stylesheet not applied: .brand font-weight %q", w)
		}
		// A relative time with the exact time on hover.
		tm := evalIn(t, ctx, chromedp.Evaluate[[]string](`(e => [e.textContent, e.title, e.dateTime])(document.querySelector("article time"))`))
		if tm[0] != "3 hours ago" || tm[1] == "" || tm[2] == "" {
			t.Errorf("first item's time: %q", tm)
		}
	})

	t.Run("hostile title is text", func(t *testing.T) {
		// The page is loaded, images included: an onerror would have run.
		state := evalIn(t, ctx, chromedp.Evaluate[map[string]any](`({
			pwned: window.pwned === 1 || document.title === "pwned",
			injected: document.querySelectorAll('img[src="x"]').length,
			shown: [...document.querySelectorAll("article h2")].some(h => h.textContent === `+jsString(demo.HostileTitle)+`)
		})`))
		if state["pwned"] != false || state["injected"] != 0.0 || state["shown"] != true {
			t.Errorf("hostile title: %v", state)
		}
	})

	t.Run("subscribe buttons copy the URLs", func(t *testing.T) {
		// Record what the page copies: the clipboard itself needs a
		// user's permission, which a headless test cannot give.
		evalIn(t, ctx, chromedp.Evaluate[chromedp.Void](`window.copied = []; navigator.clipboard.writeText = s => { window.copied.push(s); return Promise.resolve(); }`))
		// The label says "Copied" for a moment only (app.js puts "Copy"
		// back after 2.5 s, which a loaded machine can spend between two
		// CDP calls), so record every label the button shows.
		evalIn(t, ctx, chromedp.Evaluate[chromedp.Void](`window.labels = []; (b => new MutationObserver(() => window.labels.push(b.textContent)).observe(b, {childList: true, characterData: true, subtree: true}))(document.querySelector('button[data-copy="url-atom"]'))`))
		buttons := evalIn(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("button.copy")].filter(b => !b.hidden && b.offsetParent !== null).map(b => b.dataset.copy)`))
		if want := []string{"url-atom", "url-rss", "url-json"}; !reflect.DeepEqual(buttons, want) {
			t.Fatalf("visible copy buttons %v, want %v (app.js must run under the CSP)", buttons, want)
		}
		for _, id := range buttons {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-copy="`+id+`"]`))); err != nil {
				t.Fatal(err)
			}
		}
		copied := evalIn(t, ctx, chromedp.Poll[[]string](`window.copied.length === 3 && window.copied`, chromedp.WithPollingTimeout(10*time.Second)))
		want := []string{"http://tributary.test/feeds/wire.atom", "http://tributary.test/feeds/wire.rss", "http://tributary.test/feeds/wire.json"}
		if !reflect.DeepEqual(copied, want) {
			t.Errorf("copied %v, want %v", copied, want)
		}
		if labels := evalIn(t, ctx, chromedp.Poll[[]string](`window.labels.length > 0 && window.labels`, chromedp.WithPollingTimeout(10*time.Second))); labels[0] != "Copied" {
			t.Errorf("button says %q after copying, want Copied", labels[0])
		}
	})

	t.Run("links work", func(t *testing.T) {
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("ol.items article h2 a")))
		if err != nil {
			t.Fatal(err)
		}
		loc := evalIn(t, ctx, chromedp.Location())
		if resp.Status != 200 || loc != up.ArticleURL(demo.Wire[0].Slug) {
			t.Errorf("first item's link led to %s (status %d)", loc, resp.Status)
		}
	})

	t.Run("index links the feed pages", func(t *testing.T) {
		navigate(t, ctx, base+"/")
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.feeds h2 a[href="/feeds/wire"]`))); err != nil {
			t.Fatal(err)
		}
		if h1 := evalIn(t, ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`)); h1 != "Harbour Wire" {
			t.Errorf("the index's link led to a page titled %q", h1)
		}
	})

	t.Run("dashboard orders failing, stale, healthy", func(t *testing.T) {
		navigate(t, ctx, base+"/status")
		rows := evalIn(t, ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#sources tbody tr")].map(r => [r.dataset.health, r.querySelector("th a").textContent])`))
		want := [][]string{
			{"failing", "port-authority-notices-and-tide-tables-for-the-inner-harbour"},
			{"stale", "letters"},
			{"healthy", "harbour-wire"},
			{"healthy", "city-hall"},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("dashboard rows %v, want %v", rows, want)
		}
	})

	t.Run("without JavaScript the addresses show", func(t *testing.T) {
		noJS := func(off bool) {
			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
				t.Fatal(err)
			}
		}
		noJS(true)
		navigate(t, ctx, base+"/feeds/wire")
		noJS(false) // evaluation below is the test's, not the page's
		got := evalIn(t, ctx, chromedp.Evaluate[map[string]any](`({
			urls: [...document.querySelectorAll("input.url")].filter(i => i.offsetParent !== null).map(i => i.value),
			buttons: [...document.querySelectorAll("button.copy")].filter(b => b.offsetParent !== null).length
		})`))
		urls, _ := got["urls"].([]any)
		if len(urls) != 3 || urls[0] != "http://tributary.test/feeds/wire.atom" || got["buttons"] != 0.0 {
			t.Errorf("without JavaScript: %v (want the 3 addresses shown and no Copy button)", got)
		}
	})

	t.Run("dark mode follows the system", func(t *testing.T) {
		bg := func(scheme string) string {
			media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, media); err != nil {
				t.Fatal(err)
			}
			navigate(t, ctx, base+"/status")
			return evalIn(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		}
		light, dark := bg("light"), bg("dark")
		if light != "rgb(247, 247, 245)" || dark != "rgb(17, 20, 23)" {
			t.Errorf("body background: light %s, dark %s", light, dark)
		}
	})

	t.Run("no horizontal scroll at 390 px", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/", "/feeds/harbour", "/feeds/wire", "/status",
			"/status/sources/harbour-wire", "/status/sources/port-authority-notices-and-tide-tables-for-the-inner-harbour"} {
			navigate(t, ctx, base+p)
			w := evalIn(t, ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if w[1] != 390 || w[0] > w[1] {
				t.Errorf("%s: scroll width %d in a viewport of %d", p, w[0], w[1])
			}
		}
	})
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return fmt.Sprintf("%q", s) }
