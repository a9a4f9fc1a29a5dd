package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestLoadGood(t *testing.T) {
	t.Setenv("TRIBUTARY_ADMIN_TOKEN", "0123456789abcdef-secret")
	c, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "testdata/good.yaml" || len(c.Checksum) != 64 {
		t.Errorf("Path, Checksum = %q, %q", c.Path, c.Checksum)
	}
	if c.Server.AdminToken != "0123456789abcdef-secret" {
		t.Errorf("AdminToken = %q, want it expanded from the environment", c.Server.AdminToken)
	}
	if want := filepath.Join("testdata", "data", "tributary.db"); c.Storage.DSN != want {
		t.Errorf("DSN = %q, want %q (relative to the config file)", c.Storage.DSN, want)
	}
	files, _ := c.Source("newsroom")
	if want := filepath.Join("testdata", "examples", "articles"); files.Path != want {
		t.Errorf("files path = %q, want %q", files.Path, want)
	}
	html, _ := c.Source("embassy-news")
	if html.Select == nil || html.Select.Link != "a@href" || !html.FullText || html.Kind != KindHTML {
		t.Errorf("embassy-news = %+v", html)
	}
	var lines []int
	for _, s := range c.Sources {
		lines = append(lines, s.Line)
	}
	if want := []int{17, 24, 35}; !reflect.DeepEqual(lines, want) {
		t.Errorf("source lines = %v, want %v", lines, want)
	}
	f, ok := c.Feed("world")
	if !ok || f.Line != 40 || time.Duration(f.MaxAge) != 720*time.Hour || f.Limit != 50 {
		t.Errorf("feed world = %+v", f)
	}
	if c.Fetch.MaxBody != 10<<20 || time.Duration(c.Fetch.Timeout) != 20*time.Second {
		t.Errorf("fetch = %+v", c.Fetch)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want os.ErrNotExist", err)
	}
}

const minimal = `
sources:
  - name: wire
    url: https://example.org/feed.xml
feeds:
  - slug: all
    title: All news
    sources: [wire]
`

func TestDefaults(t *testing.T) {
	c, err := Parse("minimal.yaml", []byte(minimal), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Server.BaseURL = "http://127.0.0.1:8080"
	if !reflect.DeepEqual(c.Server, want.Server) || !reflect.DeepEqual(c.Storage, want.Storage) ||
		!reflect.DeepEqual(c.Fetch, want.Fetch) {
		t.Errorf("got %+v %+v %+v\nwant %+v %+v %+v", c.Server, c.Storage, c.Fetch, want.Server, want.Storage, want.Fetch)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"fetch.schedule", c.Fetch.Schedule, "@every 30m"},
		{"fetch.timeout", c.Fetch.Timeout.String(), "20s"},
		{"fetch.max_body", c.Fetch.MaxBody.String(), "10MiB"},
		{"fetch.user_agent", c.Fetch.UserAgent, "tributary/1.0 (+https://github.com/tributaryfeeds/tributary)"},
		{"fetch.concurrency", c.Fetch.Concurrency, 8},
		{"fetch.per_host", c.Fetch.PerHost, 2},
		{"fetch.run_on_start", c.Fetch.RunOnStart, true},
		{"storage.driver", c.Storage.Driver, "sqlite"},
		{"storage.dsn", c.Storage.DSN, "data/tributary.db"},
		{"server.listen", c.Server.Listen, "127.0.0.1:8080"},
		{"source kind", c.Sources[0].Kind, "feed"},
		{"source keep", c.Sources[0].Keep, 500},
		{"feed limit", c.Feeds[0].Limit, 50},
		{"feed description", c.Feeds[0].Description, "All news"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestDefaultsPartial(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want func(*Config) bool
	}{
		{"empty file", "", func(c *Config) bool { return c.Fetch.RunOnStart && c.Fetch.Concurrency == 8 }},
		{"null fetch", "fetch:\n", func(c *Config) bool { return c.Fetch.RunOnStart && c.Fetch.PerHost == 2 }},
		{"run_on_start absent", "fetch:\n  concurrency: 3\n", func(c *Config) bool {
			return c.Fetch.RunOnStart && c.Fetch.Concurrency == 3 && c.Fetch.PerHost == 2
		}},
		{"run_on_start false", "fetch:\n  run_on_start: false\n", func(c *Config) bool { return !c.Fetch.RunOnStart }},
		{"allow_private off by default", "fetch:\n  concurrency: 3\n", func(c *Config) bool { return !c.Fetch.AllowPrivate }},
		{"allow_private on", "fetch:\n  allow_private: true\n", func(c *Config) bool { return c.Fetch.AllowPrivate }},
		{"listen gives base_url", "server:\n  listen: \"127.0.0.2:9000\"\n", func(c *Config) bool { return c.Server.BaseURL == "http://127.0.0.2:9000" }},
		{"keep 0 kept", "sources:\n  - name: a\n    url: http://x.org/\n    keep: 0\n", func(c *Config) bool { return c.Sources[0].Keep == 0 }},
		{"limit 0 kept", minimal + "    limit: 0\n", func(c *Config) bool { return c.Feeds[0].Limit == 0 }},
		{"postgres dsn", "storage:\n  driver: postgres\n  dsn: postgres://u@h:5432/db\n", func(c *Config) bool {
			return c.Storage.DSN == "postgres://u@h:5432/db"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.yaml", []byte(tt.yaml), noEnv)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(c) {
				t.Errorf("unexpected config: %+v", c)
			}
		})
	}
}

func TestExpandScalars(t *testing.T) {
	env := map[string]string{"HOST": "example.org", "EMPTY": "", "TOKEN": "abc"}
	getenv := func(k string) string { return env[k] }
	tests := []struct{ in, want string }{
		{"https://${HOST}/feed", "https://example.org/feed"},
		{"${MISSING}", ""},
		{"${MISSING:-fallback}", "fallback"},
		{"${EMPTY:-fallback}", "fallback"},
		{"${TOKEN:-fallback}", "abc"},
		{"$${HOST}", "${HOST}"},
		{"$HOST", "$HOST"},
		{"${HOST", "${HOST"},
		{"${HOST}${TOKEN}", "example.orgabc"},
	}
	for _, tt := range tests {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("a: '"+tt.in+"'"), &doc); err != nil {
			t.Fatal(err)
		}
		expandEnv(&doc, getenv)
		if got := doc.Content[0].Content[1].Value; got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseEnv(t *testing.T) {
	src := strings.ReplaceAll(minimal, "https://example.org/feed.xml", "https://${FEED_HOST}/feed.xml")
	src += "server:\n  admin_token: \"${TOKEN:-0123456789abcdef}\"\n"
	env := map[string]string{"FEED_HOST": "news.example.com"}
	c, err := Parse("env.yaml", []byte(src), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Sources[0].URL != "https://news.example.com/feed.xml" || c.Server.AdminToken != "0123456789abcdef" {
		t.Errorf("url %q token %q", c.Sources[0].URL, c.Server.AdminToken)
	}
	// An unset variable leaves the URL invalid, and that is reported.
	_, err = Parse("env.yaml", []byte(src), noEnv)
	if err == nil || !strings.Contains(err.Error(), "env.yaml:4: sources[0].url:") {
		t.Errorf("err = %v, want the url on line 4 reported", err)
	}
}

func TestUnknownKeyLine(t *testing.T) {
	src := "server:\n  listen: x:1\nfetch:\n  timeout: 5s\nsources:\n  - name: a\n    url: http://x.org/\n    bogus: 1\n"
	_, err := Parse("c.yaml", []byte(src), noEnv)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("err = %#v, want one ErrorList entry", err)
	}
	want := Error{File: "c.yaml", Line: 8, Field: "sources[0].bogus", Msg: "unknown field"}
	if *list[0] != want {
		t.Errorf("got %+v, want %+v", *list[0], want)
	}
	if !strings.Contains(err.Error(), ":8:") {
		t.Errorf("%q does not say :8:", err)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{"c.yaml", 3, "feeds[0].sources", "required"}, "c.yaml:3: feeds[0].sources: required"},
		{Error{"c.yaml", 0, "", "bad"}, "c.yaml: bad"},
		{Error{"c.yaml", 2, "", "bad"}, "c.yaml:2: bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	l := ErrorList{&tests[0].e, &tests[2].e}
	if got := l.Error(); got != "c.yaml:3: feeds[0].sources: required\nc.yaml:2: bad" {
		t.Errorf("ErrorList = %q", got)
	}
}

func TestParseCollectsAllErrors(t *testing.T) {
	src := `
sources:
  - name: a
    url: ftp://x
  - name: a
    url: https://example.org/
    schedule: "* *"
feeds:
  - slug: f
    sources: [b]
`
	_, err := Parse("c.yaml", []byte(src), noEnv)
	want := []string{
		`c.yaml:4: sources[0].url: "ftp://x" is not an absolute http(s) URL`,
		`c.yaml:5: sources[1].name: duplicate source name "a" (first at line 3)`,
		`c.yaml:7: sources[1].schedule: invalid schedule "* *": expected exactly 5 fields, found 2: [* *]`,
		`c.yaml:9: feeds[0].title: required`,
		`c.yaml:10: feeds[0].sources[0]: unknown source "b"`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}
