package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	headless "github.com/tributaryfeeds/tributary/sources/browser"
)

const testIMAPPassword = "mailbox-Pa55-word"

// newsletter is a real-shaped newsletter: HTML with a web-version link,
// a tracking pixel and an unsubscribe footer.
const newsletter = "From: Harbour Weekly <news@example.org>\r\n" +
	"To: feeds@example.net\r\n" +
	"Subject: =?utf-8?q?Harbour_Weekly_=E2=80=94_Issue_42?=\r\n" +
	"Date: Tue, 10 Nov 2026 07:30:00 +0100\r\n" +
	"Message-ID: <issue-42@news.example.org>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"\r\n" +
	"<html><body><p><a href=\"https://news.example.org/issues/42\">View in browser</a></p>\r\n" +
	"<h1>Issue 42</h1><p>The wind farm delivered its first power on Tuesday.</p>\r\n" +
	"<img src=\"https://t.example-esp.com/o.gif\" width=\"1\" height=\"1\">\r\n" +
	"<p><a href=\"https://news.example.org/u/1\">Unsubscribe</a></p></body></html>\r\n"

// mailbox starts a real IMAP server (go-imap's, in memory) on loopback
// holding the newsletter, and returns its address.
func mailbox(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("feeds@example.net", testIMAPPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	raw := []byte(newsletter)
	if _, err := user.Append("INBOX", literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

type literal struct {
	*bytes.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

// reachConfig writes a config with a newsletter mailbox and a render:
// browser source, the browser at browserPath ("" searches PATH).
func reachConfig(t *testing.T, mailAddr, pageURL, browserPath string) string {
	t.Helper()
	t.Setenv("TRIBUTARY_TEST_IMAP_PASSWORD", testIMAPPassword)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := daemonConfig(dir, "", `  - name: letters
    kind: imap
    url: imap://`+mailAddr+`/INBOX
    username: feeds@example.net
    password: "${TRIBUTARY_TEST_IMAP_PASSWORD}"
    from: [example.org]
  - name: city-hall
    kind: html
    url: `+pageURL+`
    select: {item: "div.card", title: "h3", link: "a@href"}
    render: browser
    wait_for: ".card"
`, "  - {slug: all, title: All, sources: [letters, city-hall]}\n")
	if browserPath != "" {
		cfg = strings.Replace(cfg, "fetch:\n", "fetch:\n  browser: "+browserPath+"\n", 1)
	}
	writeFile(t, path, cfg)
	return path
}

// jsListing serves a page whose cards a script writes after a delay.
func jsListing(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><div id="app"></div><script>
setTimeout(function () {
  document.getElementById("app").innerHTML = '<div class="card"><h3>Tram ' + 'line opens</h3><a href="/trams">more</a></div>';
}, 200);
</script></body></html>`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/news/"
}

// TestReachSourcesInDaemon: the newsletter becomes an item of the feed and
// /status lists both kinds; without a browser the render: browser source
// fails with the install hint and the mailbox goes on. No page shows the
// mailbox password.
func TestReachSourcesInDaemon(t *testing.T) {
	path := reachConfig(t, mailbox(t), "http://127.0.0.1:1/news/", "/nonexistent/chromium")
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger})
	base := m.URL()
	waitFetched(t, base, "letters")
	waitFor(t, "city-hall fails", func() bool {
		for _, s := range status(t, base).Sources {
			if s.Name == "city-hall" && s.LastFetch != nil {
				return true
			}
		}
		return false
	})
	kinds := map[string]string{}
	for _, s := range status(t, base).Sources {
		kinds[s.Name] = s.Kind
		switch s.Name {
		case "letters":
			if s.LastError != "" || s.Items != 1 {
				t.Errorf("letters: %d items, error %q", s.Items, s.LastError)
			}
		case "city-hall":
			if !strings.Contains(s.LastError, "apt-get install chromium") {
				t.Errorf("city-hall error %q lacks the install hint", s.LastError)
			}
		}
	}
	if kinds["letters"] != "imap" || kinds["city-hall"] != "html" {
		t.Errorf("kinds = %v", kinds)
	}
	// Feeds follow ingest asynchronously, each format on its own.
	var body []byte
	waitFor(t, "the Atom feed to have the newsletter", func() bool {
		var resp *http.Response
		resp, body = get(t, base+"/feeds/all.atom")
		return resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte("<entry>"))
	})
	for _, want := range []string{"Harbour Weekly — Issue 42", "first power on Tuesday", `href="https://news.example.org/issues/42"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("feed lacks %q:\n%s", want, body)
		}
	}
	for _, unwanted := range []string{"t.example-esp.com", "Unsubscribe"} {
		if strings.Contains(string(body), unwanted) {
			t.Errorf("feed still has %q", unwanted)
		}
	}
	if !strings.Contains(logs.String(), "render: browser sources will fail") {
		t.Errorf("the daemon did not warn about the missing browser:\n%s", logs.String())
	}
	for _, page := range []string{"/status", "/status.json", "/status/sources/letters", "/metrics"} {
		_, body := get(t, base+page)
		if strings.Contains(string(body), testIMAPPassword) {
			t.Errorf("%s shows the mailbox password", page)
		}
	}
	if strings.Contains(logs.String(), testIMAPPassword) {
		t.Error("the logs show the mailbox password")
	}
}

func TestCheckWarnsWithoutBrowser(t *testing.T) {
	path := reachConfig(t, "127.0.0.1:1", "https://example.org/news/", "/nonexistent/chromium")
	inv := runCLI(t, "", "check", "-config", path)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "warning: render: browser sources will fail") ||
		!strings.Contains(inv.stdout, "apt-get install chromium") {
		t.Errorf("check: code %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
	if strings.Contains(inv.stdout+inv.stderr, testIMAPPassword) {
		t.Error("check prints the mailbox password")
	}
}

func TestFetchPreviewsReachSources(t *testing.T) {
	path := reachConfig(t, mailbox(t), jsListing(t), "")
	inv := runCLI(t, "", "fetch", "-config", path, "letters")
	for _, want := range []string{"1. Harbour Weekly — Issue 42", "date:   2026-11-10T06:30:00Z", "link:   https://news.example.org/issues/42", "author: Harbour Weekly <news@example.org>", "1 items"} {
		if !strings.Contains(inv.stdout, want) {
			t.Errorf("fetch letters lacks %q:\n%s%s", want, inv.stdout, inv.stderr)
		}
	}
	if _, err := headless.Find(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping the browser preview: %v", err)
	}
	inv = runCLI(t, "", "fetch", "-config", path, "city-hall")
	if inv.code != exitOK || !strings.Contains(inv.stdout, "1. Tram line opens") || !strings.Contains(inv.stdout, "/trams") {
		t.Errorf("fetch city-hall: code %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
}
