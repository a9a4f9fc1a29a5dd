package build

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/browser"
)

// jsSite serves a listing whose items a script writes, and an article
// whose body a script writes.
func jsSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/list", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><div id="app"></div><script>
setTimeout(function () {
  document.getElementById("app").innerHTML = '<div class="card"><h3>Council ' + 'votes budget</h3><a href="/article">more</a></div>';
}, 200);
</script></body></html>`)
	})
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Council votes budget</title></head><body><nav>Menu</nav><main id="m"></main><script>
document.getElementById("m").innerHTML = '<article><p>The council ' + 'approved the budget on Thursday after a long debate about trams and the harbour.</p></article>';
</script></body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func browserSource(url string) config.Source {
	return config.Source{
		Name: "city-hall", Kind: config.KindHTML, URL: url,
		Select: &config.Select{Item: "div.card", Title: "h3", Link: "a@href"},
		Render: config.RenderBrowser, WaitFor: ".card", FullText: true,
	}
}

func TestRenderBrowserSource(t *testing.T) {
	if _, err := browser.Find(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	srv := jsSite(t)
	b := browser.New(browser.Options{})
	defer b.Close()
	s, err := SourceIn(compiled(t, browserSource(srv.URL+"/list")), Env{Client: sources.NewClient(sources.ClientOptions{}), Browser: b})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Title != "Council votes budget" || res.Items[0].Link != srv.URL+"/article" {
		t.Fatalf("items %+v", res.Items)
	}
	// The article page was rendered too: its body exists only after its
	// script ran.
	if !strings.Contains(res.Items[0].Content, "approved the budget on Thursday") {
		t.Errorf("content %q", res.Items[0].Content)
	}
}

// TestRenderBrowserWithoutBrowser: with no browser installed the source
// fails with an error that says how to install one; another source built
// the same way goes on.
func TestRenderBrowserWithoutBrowser(t *testing.T) {
	srv, _ := site(t)
	env := Env{Client: sources.NewClient(sources.ClientOptions{}), Browser: browser.New(browser.Options{Path: "/nonexistent/chromium"})}
	defer env.Browser.Close()
	s, err := SourceIn(compiled(t, browserSource(srv.URL+"/list")), env)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fetch(context.Background(), sources.Request{})
	if !errors.Is(err, browser.ErrNoBrowser) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("err = %v", err)
	}
	plain, err := SourceIn(compiled(t, config.Source{Name: "h", Kind: config.KindHTML, URL: srv.URL + "/list",
		Select: &config.Select{Item: "ul.news li", Title: "a", Link: "a@href"}}), env)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := plain.Fetch(context.Background(), sources.Request{}); err != nil || len(res.Items) != 1 {
		t.Errorf("the plain source: %v", err)
	}
	// Built without the shared browser at all: a clear build error.
	if _, err := Source(compiled(t, browserSource(srv.URL+"/list")), env.Client, nil); err == nil || !strings.Contains(err.Error(), "needs the shared browser") {
		t.Errorf("build without a browser: %v", err)
	}
}

func TestBrowserWarning(t *testing.T) {
	c := config.Default()
	c.Sources = []config.Source{browserSource("https://example.org/list")}
	c.Fetch.Browser = "/nonexistent/chromium"
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	if w := BrowserWarning(&c); !strings.Contains(w, "apt-get install chromium") || !strings.Contains(w, "/nonexistent/chromium") {
		t.Errorf("warning = %q", w)
	}
	c.Sources[0].Render, c.Sources[0].WaitFor = "", ""
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	if w := BrowserWarning(&c); w != "" {
		t.Errorf("warning without browser sources: %q", w)
	}
}

func TestIMAPSourceBuilds(t *testing.T) {
	// A closed port: the fetch fails, naming the mailbox, never the
	// password.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	src := config.Source{Name: "letters", Kind: config.KindIMAP, URL: "imap://" + addr + "/INBOX", Username: "me", Password: "hunter2-secret"}
	s, err := Source(compiled(t, src), sources.NewClient(sources.ClientOptions{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fetch(context.Background(), sources.Request{})
	if err == nil || !strings.Contains(err.Error(), "imap://"+addr+"/INBOX") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v", err)
	}
}

// TestRenderBrowserHTTPOptionsAndPages: the source's http options reach
// its host through the browser, and next pages are rendered too.
func TestRenderBrowserHTTPOptionsAndPages(t *testing.T) {
	if _, err := browser.Find(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	mux := http.NewServeMux()
	for _, pg := range []struct{ path, title, next string }{{"/p1", "First page story", "/p2"}, {"/p2", "Second page story", ""}} {
		mux.HandleFunc(pg.path, func(w http.ResponseWriter, r *http.Request) {
			ck, err := r.Cookie("session")
			if err != nil || ck.Value != "s-1" || r.Header.Get("X-Api-Key") != "k-2" {
				http.Error(w, "members only", http.StatusForbidden)
				return
			}
			next := ""
			if pg.next != "" {
				next = `<a class="next" href="` + pg.next + `">next</a>`
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><body><div id="app"></div>%s<script>
document.getElementById("app").innerHTML = '<div class="card"><h3>%s</h3><a href="%s/a">more</a></div>';
</script></body></html>`, next, pg.title, pg.path)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	src := config.Source{
		Name: "members", Kind: config.KindHTML, URL: srv.URL + "/p1",
		Select: &config.Select{Item: "div.card", Title: "h3", Link: "a@href"},
		Next:   "a.next@href", Pages: 2, Render: config.RenderBrowser, WaitFor: ".card",
		HTTP: &config.HTTP{Headers: map[string]string{"X-Api-Key": "k-2"}, Cookies: map[string]string{"session": "s-1"}},
	}
	b := browser.New(browser.Options{})
	defer b.Close()
	s, err := SourceIn(compiled(t, src), Env{Client: sources.NewClient(sources.ClientOptions{}), Browser: b})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range res.Items {
		titles = append(titles, it.Title)
	}
	if strings.Join(titles, "|") != "First page story|Second page story" {
		t.Errorf("titles %q, warnings %q", titles, res.Warnings)
	}
}
