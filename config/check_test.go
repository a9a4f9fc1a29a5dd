package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultBaseURL(t *testing.T) {
	tests := []struct{ listen, want string }{
		{":8080", "http://localhost:8080"},
		{"0.0.0.0:8080", "http://localhost:8080"},
		{"[::]:9000", "http://localhost:9000"},
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"[::1]:8080", "http://[::1]:8080"},
		{"feeds.internal:80", "http://feeds.internal:80"},
		{"example.org:", "http://example.org"},
		{"[::1]:", "http://[::1]"},
	}
	for _, tt := range tests {
		if got := defaultBaseURL(tt.listen); got != tt.want {
			t.Errorf("defaultBaseURL(%q) = %q, want %q", tt.listen, got, tt.want)
		}
	}
}

// TestListenWithoutBaseURL is the case that used to link to http://:8080.
func TestListenWithoutBaseURL(t *testing.T) {
	c, err := Parse("c.yaml", []byte("server:\n  listen: \":8080\"\n"+minimal), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.BaseURL != "http://localhost:8080" {
		t.Errorf("BaseURL = %q, want http://localhost:8080", c.Server.BaseURL)
	}
	if s := c.Summary(); !strings.Contains(s, "serving http://localhost:8080\n") {
		t.Errorf("summary does not serve http://localhost:8080:\n%s", s)
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{":8080", true},
		{"[::1]:0", true},
		{"localhost:", true},
		{"", false},
		{"localhost", false},
		{"127.0.0.1:http", false},
		{":65536", false},
		{":-1", false},
		{"::1:8080", false},
	}
	for _, tt := range tests {
		if err := checkListen(tt.addr); (err == nil) != tt.ok {
			t.Errorf("checkListen(%q) = %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
}

func TestCheckSelector(t *testing.T) {
	tests := []struct {
		expr  string
		plain bool
		err   string // substring; empty: valid
	}{
		{"a", false, ""},
		{"a@href", false, ""},
		{" time @ datetime", false, "invalid CSS selector"},
		{"time@datetime", false, ""},
		{"@href", false, ""},
		{`a[href*="@"]`, false, ""},
		{`a[href*="@x"]@href`, false, ""},
		{"a@", false, "empty attribute name"},
		{"@", false, "empty attribute name"},
		{"a[", false, `invalid CSS selector "a["`},
		{"a[@href", false, "invalid CSS selector"},
		{"ul li", true, ""},
		{"ul li@id", true, "plain CSS selector"},
		{"@id", true, "plain CSS selector"},
		{"ul >", true, "invalid CSS selector"},
	}
	for _, tt := range tests {
		_, err := compileSelector(tt.expr, tt.plain)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("compileSelector(%q, %v) = %v, want nil", tt.expr, tt.plain, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("compileSelector(%q, %v) = %v, want %q", tt.expr, tt.plain, err, tt.err)
		}
	}
}

func TestURLWhitespace(t *testing.T) {
	for _, raw := range []string{"https://x.org/a b", " https://x.org/", "https://x.org/\n", "https://x.org/\x7f", "https://x.org/\u00a0"} {
		if err := checkHTTPURL(raw); err == nil {
			t.Errorf("checkHTTPURL(%q) = nil, want an error", raw)
		}
	}
	if err := checkHTTPURL("https://x.org/a%20b?q=1#f"); err != nil {
		t.Errorf("percent-encoded URL: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	env := map[string]string{"HOST": "example.org", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	src := `server:
  admin_token: "${TOKEN}${TOKEN}x${OTHER}0123456789abcdef"
  listen: "127.0.0.1:${PORT:-8080}"
sources:
  - name: wire
    url: "https://${HOST}/feed.xml"
    tags: ["$${LITERAL}"]
    timezone: "${EMPTY}"
`
	c, err := Parse("w.yaml", []byte(src), getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"w.yaml:2: ${TOKEN} is not set",
		"w.yaml:2: ${OTHER} is not set",
		"w.yaml:8: ${EMPTY} is not set",
		"w.yaml: no feeds: sources are fetched but nothing is published",
	}
	if !reflect.DeepEqual(c.Warnings, want) {
		t.Errorf("Warnings:\n%q\nwant\n%q", c.Warnings, want)
	}
	if c.Sources[0].Tags[0] != "${LITERAL}" {
		t.Errorf("tags = %q", c.Sources[0].Tags)
	}

	c, err = Parse("w.yaml", []byte(minimal), noEnv)
	if err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("minimal config: warnings %q, want none", c.Warnings)
	}
	c, err = Parse("w.yaml", []byte("# nothing yet\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"w.yaml: no sources and no feeds: nothing is fetched or published"}; !reflect.DeepEqual(c.Warnings, want) {
		t.Errorf("empty config: Warnings = %q, want %q", c.Warnings, want)
	}
}

// TestUnsetHint: an error on a line whose variable is unset names it.
func TestUnsetHint(t *testing.T) {
	src := "sources:\n  - name: wire\n    url: \"${FEED_URL}\"\n    keep: \"${KEEP}\"\n"
	_, err := Parse("h.yaml", []byte(src), noEnv)
	want := "h.yaml:3: sources[0].url: required for kind feed (from ${FEED_URL}, which is not set)\n" +
		"h.yaml:4: sources[0].keep: cannot use string `` as an integer (from ${KEEP}, which is not set)"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

// TestLoadFilesPath: Load resolves a files source's folder against the
// config file and checks it; Parse, without a file location, does not.
func TestLoadFilesPath(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config.yaml")
	src := "sources:\n  - name: docs\n    kind: files\n    path: ./articles\nfeeds:\n  - {slug: all, title: All, sources: [docs]}\n"
	if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	articles := filepath.Join(dir, "articles")
	_, err := Load(conf)
	if err == nil || !strings.Contains(err.Error(), conf+`:4: sources[0].path: folder "`+articles+`" does not exist`) {
		t.Errorf("missing folder: err = %v", err)
	}
	if err := os.WriteFile(articles, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(conf); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("file instead of folder: err = %v", err)
	}
	if err := os.Remove(articles); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(articles, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Load(conf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sources[0].Path != articles {
		t.Errorf("path = %q, want %q", c.Sources[0].Path, articles)
	}
	abs := strings.Replace(src, "./articles", filepath.Join(dir, "nowhere"), 1)
	if _, err := Parse("c.yaml", []byte(abs), noEnv); err != nil {
		t.Errorf("Parse checked the file system: %v", err)
	}
}

// TestDecodeErrorsKeepEntries: an entry with a type error stays in its
// list, so the entries after it are validated under their own index.
func TestDecodeErrorsKeepEntries(t *testing.T) {
	src := `sources:
  - name: one
    url: https://example.org/1.xml
    keep: many
  - name: two
    url: ftp://example.org/2.xml
feeds:
  - slug: all
    title: All
    limit: lots
  - slug: more
    title: More
    sources: [one, three]
`
	_, err := Parse("k.yaml", []byte(src), noEnv)
	want := []string{
		"k.yaml:4: sources[0].keep: cannot use string `many` as an integer",
		`k.yaml:6: sources[1].url: "ftp://example.org/2.xml" is not an absolute http(s) URL`,
		"k.yaml:8: feeds[0].sources: required: at least one source name or tag:x",
		"k.yaml:10: feeds[0].limit: cannot use string `lots` as an integer",
		`k.yaml:13: feeds[1].sources[1]: unknown source "three"`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

func TestScanRefsLines(t *testing.T) {
	data := "a: ${A}\nb: x${B}${C}\n# ${D\nc: $${E} ${F:-f}\n"
	var got []string
	out := scanRefs([]byte(data), func(line int, _ []byte, expr string) string {
		got = append(got, expr+"@"+string(rune('0'+line)))
		return "v"
	})
	want := []string{"A@1", "B@2", "C@2", "F:-f@4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refs = %q, want %q", got, want)
	}
	if string(out) != "a: v\nb: xvv\n# ${D\nc: ${E} v\n" {
		t.Errorf("out = %q", out)
	}
}

// TestWarningsSkipComments: a commented-out ${VAR}, as the bundled
// config.yaml has for admin_token, is not an unset variable to warn about.
func TestWarningsSkipComments(t *testing.T) {
	src := `# admin_token: "${COMMENTED}"
server:
  admin_token: "${REAL}" # or ${TRAILING}
  base_url: "http://x.example/#${IN_QUOTES}"
sources:
  - {name: a, url: "https://e.example/${PLAIN}#frag"}
feeds:
  - {slug: f, title: "It's ${TITLE}", sources: [a]}
`
	cfg, err := Parse("c.yaml", []byte(src), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range cfg.Warnings {
		if strings.Contains(w, "is not set") {
			got = append(got, w)
		}
	}
	want := []string{
		"c.yaml:3: ${REAL} is not set",
		"c.yaml:4: ${IN_QUOTES} is not set",
		"c.yaml:6: ${PLAIN} is not set",
		"c.yaml:8: ${TITLE} is not set",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
}

func TestSplitSelector(t *testing.T) {
	tests := []struct{ expr, css, attr string }{
		{"a@href", "a", "href"},
		{"@href", "", "href"},
		{"a", "a", ""},
		{`a[href*="@"]`, `a[href*="@"]`, ""},
		{`a[title="x@y"]@href`, `a[title="x@y"]`, "href"},
		{"img @ data-src", "img @ data-src", ""},
		{"time@datetime", "time", "datetime"},
		{" p.lead@data-x ", "p.lead", "data-x"},
		{"a@", "a@", ""},
	}
	for _, tt := range tests {
		if css, attr := SplitSelector(tt.expr); css != tt.css || attr != tt.attr {
			t.Errorf("SplitSelector(%q) = %q, %q; want %q, %q", tt.expr, css, attr, tt.css, tt.attr)
		}
	}
}
