package config

import (
	"strings"
	"testing"
	"time"
)

const compiledYAML = `
fetch:
  schedule: "@every 1h"
  timeout: 7s
  user_agent: test-agent
  max_body: 1MiB
sources:
  - name: wire
    url: https://Wire.Example.org:8443/feed.xml
    keep: 0
  - name: listing
    kind: html
    url: https://example.org/news/
    schedule: "*/5 * * * *"
    timezone: Europe/Oslo
    full_text: true
    content: article .body
    select: {item: "ul li", title: a, link: "a@href", date: "@data-date"}
  - name: notes
    kind: files
    path: ./notes
    keep: 20
feeds:
  - slug: all
    title: All
    sources: [wire, listing, notes]
    include: ["title:security", "re:(?i)summit", "author:re:^Ren"]
    limit: 0
    max_age: 48h
`

// TestCompiledValues: Parse resolves every default once and compiles every
// expression; downstream reads only these values.
func TestCompiledValues(t *testing.T) {
	c, err := Parse("c.yaml", []byte(compiledYAML), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ClientOptions{Timeout: 7 * time.Second, UserAgent: "test-agent", MaxBody: 1 << 20}); c.Client != want {
		t.Errorf("Client = %+v, want %+v", c.Client, want)
	}
	wire, listing, notes := c.Sources[0].Compiled, c.Sources[1].Compiled, c.Sources[2].Compiled
	if wire.Schedule.Spec != "@every 1h" || wire.Schedule.Interval != time.Hour || wire.Keep != DefaultKeep ||
		wire.Host != "wire.example.org:8443" || wire.Location != time.UTC || wire.Select != nil || wire.Content != nil {
		t.Errorf("wire = %+v", wire)
	}
	if listing.Schedule.Interval != 5*time.Minute || listing.Location.String() != "Europe/Oslo" ||
		listing.Host != "example.org" || listing.Content == nil || listing.Content.Expr != "article .body" {
		t.Errorf("listing = %+v", listing)
	}
	sel := listing.Select
	if sel == nil || sel.Item.CSS == nil || sel.Link.Attr != "href" || sel.Date.CSS != nil || sel.Date.Attr != "data-date" || sel.Summary != nil {
		t.Errorf("listing select = %+v", sel)
	}
	if notes.Keep != 20 || notes.Host != "" {
		t.Errorf("notes = %+v", notes)
	}
	f := c.Feeds[0].Compiled
	if f.Limit != DefaultLimit || f.MaxAge != 48*time.Hour || strings.Join(f.Sources, ",") != "wire,listing,notes" {
		t.Errorf("feed = %+v", f)
	}
	if len(f.Include) != 3 || f.Include[0].Field != ScopeTitle || f.Include[0].Word != "security" ||
		f.Include[1].Field != ScopeAll || f.Include[1].Re == nil || f.Include[2].Field != ScopeAuthor || f.Include[2].Re == nil {
		t.Errorf("include = %+v", f.Include)
	}
}

// TestSourceSame: a source moved in the file is the same; a changed field
// or a changed effective schedule is not.
func TestSourceSame(t *testing.T) {
	parse := func(yaml string) *Config {
		t.Helper()
		c, err := Parse("c.yaml", []byte(yaml), nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := parse(compiledYAML)
	moved := parse("\n\n" + compiledYAML)
	if !base.Sources[0].Same(&moved.Sources[0]) {
		t.Error("a source moved in the file is not the same")
	}
	slower := parse(strings.Replace(compiledYAML, `"@every 1h"`, `"@every 2h"`, 1))
	if base.Sources[0].Same(&slower.Sources[0]) {
		t.Error("a source whose default schedule changed is the same")
	}
	if !base.Sources[1].Same(&slower.Sources[1]) {
		t.Error("a source with its own schedule changed with fetch.schedule")
	}
	tagged := parse(strings.Replace(compiledYAML, "keep: 20", "keep: 21", 1))
	if base.Sources[2].Same(&tagged.Sources[2]) {
		t.Error("a source whose keep changed is the same")
	}
}

func TestCompileSelect(t *testing.T) {
	tests := []struct {
		sel  Select
		want string
	}{
		{Select{Item: "li", Title: "a[href", Link: "a@href"}, `select.title: invalid CSS selector "a[href"`},
		{Select{Item: "li >> a", Title: "a", Link: "a@href"}, `select.item: invalid CSS selector "li >> a"`},
		{Select{Item: "li", Title: "a", Link: "a:nope@href"}, `select.link: invalid CSS selector "a:nope"`},
		{Select{Title: "a", Link: "a@href"}, "select.item: required"},
		{Select{Item: "li@id", Title: "a", Link: "a@href"}, "without @attr"},
		{Select{Item: "li", Date: "time"}, "select.title: required"},
		{Select{Item: "li", Title: "a"}, "select.link: required"},
	}
	for _, tt := range tests {
		_, err := CompileSelect(tt.sel)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CompileSelect(%+v) = %v, want %q", tt.sel, err, tt.want)
		}
	}
	s, err := CompileSelect(Select{Item: "li", Title: "h2", Link: "@href", Image: "img@DATA-src"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Link.CSS != nil || s.Link.Attr != "href" || s.Image.Attr != "data-src" || s.Date != nil {
		t.Errorf("compiled %+v", s)
	}
}

func TestCompileMatcher(t *testing.T) {
	tests := []struct {
		entry, field, word, re, err string
	}{
		{entry: "Security", word: "security"},
		{entry: "re:(?i)summit", re: "(?i)summit"},
		{entry: "title:Breaking News", field: ScopeTitle, word: "breaking news"},
		{entry: "title:re:^Breaking", field: ScopeTitle, re: "^Breaking"},
		{entry: "author:Ren Qi", field: ScopeAuthor, word: "ren qi"},
		{entry: "category:world", field: ScopeCategory, word: "world"},
		{entry: "link:re:/sport/", field: ScopeLink, re: "/sport/"},
		{entry: "titles:x", word: "titles:x"}, // not a scope
		{entry: "re:title:x", re: "title:x"},
		{entry: "title:re:(", err: "invalid regular expression"},
		{entry: "author: ", err: "no words"},
	}
	for _, tt := range tests {
		m, err := CompileMatcher(tt.entry)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("CompileMatcher(%q) = %v, want %q", tt.entry, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("CompileMatcher(%q): %v", tt.entry, err)
			continue
		}
		re := ""
		if m.Re != nil {
			re = m.Re.String()
		}
		if m.Field != tt.field || m.Word != tt.word || re != tt.re {
			t.Errorf("CompileMatcher(%q) = %q %q %q", tt.entry, m.Field, m.Word, re)
		}
	}
}

// TestCompileInCode: a configuration built in code compiles as a parsed
// one does, and its errors name the field.
func TestCompileInCode(t *testing.T) {
	c := Default()
	c.Sources = []Source{{Name: "a", Kind: KindFeed, URL: "https://a.example/", Schedule: "*/10 * * * *"}}
	c.Feeds = []Feed{{Slug: "f", Title: "F", Sources: []string{"a"}, Exclude: []string{"re:("}}}
	err := c.Compile()
	if err == nil || !strings.Contains(err.Error(), "feeds[0].exclude[0]: invalid regular expression") {
		t.Fatalf("Compile = %v", err)
	}
	c.Feeds[0].Exclude = nil
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	if c.Sources[0].Compiled.Schedule.Interval != 10*time.Minute || c.Feeds[0].Compiled.Sources[0] != "a" || c.Server.BaseURL == "" {
		t.Errorf("compiled %+v %+v", c.Sources[0].Compiled, c.Feeds[0].Compiled)
	}
}

// TestCompiledReachKeys: kind json, next/pages, http and rewrite compile
// into the values the sources use.
func TestCompiledReachKeys(t *testing.T) {
	src := `sources:
  - name: api
    kind: json
    url: https://api.example.org/v1/posts
    select: {items: "$.data[*]", title: "$.title", categories: "$.tags[*]"}
    next: "$.links.next"
    pages: 3
    http:
      headers: {x-api-key: "${KEY}", Accept: application/json}
      cookies: {session: "${SESSION}"}
      basic_auth: {username: reader, password: "${PW}"}
      proxy: "socks5://u:${PROXY_PW}@proxy.example.org:1080"
    rewrite:
      - {field: title, replace: "re:^\\[Ad\\]\\s*"}
      - {field: content, remove: ".share"}
  - name: cards
    kind: html
    url: https://example.org/
    select: {item: "xpath://div[@class='card']", title: h3, link: "xpath:.//a/@href"}
`
	env := map[string]string{"KEY": "key-0123", "SESSION": "sess-4567", "PW": "pw-89ab", "PROXY_PW": "ppw-cdef"}
	c, err := Parse("c.yaml", []byte(src), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	api := c.Sources[0].Compiled
	if api.Pages != 3 || api.Next == nil || api.Next.JSON == nil || api.Select.Item.JSON == nil || api.Select.Categories == nil {
		t.Errorf("api = %+v", api)
	}
	h := api.HTTP
	if h.Header.Get("X-Api-Key") != "key-0123" || len(h.Cookies) != 1 || !h.HasAuth || h.Password != "pw-89ab" || h.Proxy.Scheme != "socks5" {
		t.Errorf("http = %+v", h)
	}
	desc := h.String()
	got := h.Redact("key-0123 sess-4567 pw-89ab ppw-cdef")
	for _, secret := range env {
		if strings.Contains(desc, secret) || strings.Contains(got, secret) {
			t.Errorf("%q or %q shows %q", desc, got, secret)
		}
	}
	if len(api.Rewrite) != 2 || api.Rewrite[0].Re == nil || api.Rewrite[1].Remove == nil {
		t.Errorf("rewrite = %+v", api.Rewrite)
	}
	cards := c.Sources[1].Compiled.Select
	if cards.Item.XPath == nil || cards.Title.CSS == nil || cards.Link.XPath == nil || cards.Link.Attr != "href" {
		t.Errorf("cards = %+v", cards)
	}
	if c.Sources[1].Compiled.Pages != 1 {
		t.Errorf("default pages = %d", c.Sources[1].Compiled.Pages)
	}
}
