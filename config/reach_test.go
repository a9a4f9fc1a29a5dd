package config

import (
	"strings"
	"testing"
	"time"
)

func TestReachKeysCompile(t *testing.T) {
	src := `
fetch:
  browser: /opt/chromium/chrome
  concurrency: 3
sources:
  - name: city-hall
    kind: html
    url: https://example.org/news/
    select: {item: "div.card", title: "h3", link: "a@href"}
    render: browser
    wait_for: " .card "
  - name: plain-html
    kind: html
    url: https://example.org/other/
    select: {item: "li", title: "a", link: "a@href"}
  - name: letters
    kind: imap
    url: imaps://mail.example.org:993/Newsletters
    username: feeds@example.org
    password: "${IMAP_PASSWORD}"
    from: [News@Example.org, example.net]
  - name: local-letters
    kind: imap
    url: imap://127.0.0.1:1143/INBOX
    username: me
    password: pw
    mark_seen: true
    since: 48h
feeds:
  - slug: all
    title: All
    sources: [city-hall, plain-html, letters, local-letters]
`
	getenv := func(k string) string { return map[string]string{"IMAP_PASSWORD": "s3cret"}[k] }
	c, err := Parse("r.yaml", []byte(src), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Browser != (BrowserOptions{Path: "/opt/chromium/chrome", Tabs: 3, Needed: true}) {
		t.Errorf("browser options = %+v", c.Browser)
	}
	city, _ := c.Source("city-hall")
	if b := city.Compiled.Browser; b == nil || b.WaitFor != ".card" {
		t.Errorf("city-hall browser = %+v", b)
	}
	plain, _ := c.Source("plain-html")
	if plain.Compiled.Browser != nil || plain.Compiled.IMAP != nil {
		t.Errorf("plain-html compiled browser/imap: %+v %+v", plain.Compiled.Browser, plain.Compiled.IMAP)
	}
	letters, _ := c.Source("letters")
	m := letters.Compiled.IMAP
	if m == nil || m.Password != "s3cret" || m.Username != "feeds@example.org" || m.MarkSeen || m.Since != DefaultSince ||
		strings.Join(m.From, ",") != "news@example.org,example.net" || m.URL != "imaps://mail.example.org:993/Newsletters" {
		t.Errorf("letters = %+v", m)
	}
	if letters.Compiled.Host != "mail.example.org" {
		t.Errorf("host = %q", letters.Compiled.Host)
	}
	local, _ := c.Source("local-letters")
	if m := local.Compiled.IMAP; !m.MarkSeen || m.Since != 48*time.Hour {
		t.Errorf("local-letters = %+v", m)
	}
	// Without a render: browser source nothing needs a browser.
	c, err = Parse("r.yaml", []byte(strings.Replace(strings.Replace(src, "render: browser", "", 1), `wait_for: " .card "`, "", 1)), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Browser.Needed {
		t.Error("Needed without a render: browser source")
	}
}

func TestIMAPErrorsNeverShowThePassword(t *testing.T) {
	src := `
sources:
  - name: letters
    kind: imap
    url: imaps://me:hunter2@mail.example.org/INBOX
    username: me
    password: hunter2
    since: -1h
feeds:
  - slug: all
    title: All
    sources: [letters]
`
	_, err := Parse("r.yaml", []byte(src), noEnv)
	if err == nil || !strings.Contains(err.Error(), "not in the URL") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}

// TestCheckWaitFor: wait_for compiles as select's selectors do; a CSS
// selector with @attr, which document.querySelector would throw on, is
// refused at load rather than failing every render.
func TestCheckWaitFor(t *testing.T) {
	tests := []struct{ sel, want string }{
		{".card", ""},
		{`a[href^="mailto:x@y"]`, ""},
		{"xpath://div[@class='ready']", ""},
		{"xpath://div/@data-ready", ""},
		{"div@data-ready", `"div@data-ready": must be a plain CSS selector, without @attr`},
		{"div[[", `invalid CSS selector "div[["`},
		{"xpath://div[@class=", `invalid XPath "//div[@class="`},
		{"xpath:", `"xpath:": empty XPath`},
	}
	for _, tt := range tests {
		got := checkWaitFor(tt.sel)
		if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
			t.Errorf("checkWaitFor(%q) = %q, want %q", tt.sel, got, tt.want)
		}
	}
}
