package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tributaryfeeds/tributary/opml"
)

// invocation is one run of the command line and what it printed.
type invocation struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) invocation {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return invocation{code, stdout.String(), stderr.String()}
}

// listingPage is an html source's upstream: a page whose list the
// configured selector does not match.
const listingPage = `<!doctype html><html><body>
<ul class="news"><li><a href="/a">A</a></li></ul>
</body></html>`

// fetchConfig writes a config with one source of each kind, against up
// and a listing page, and returns its path.
func fetchConfig(t *testing.T, up *upstream) (path, db string) {
	t.Helper()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(listingPage))
	}))
	t.Cleanup(page.Close)
	articles, err := filepath.Abs(filepath.Join("testdata", "articles"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path = filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "", `  - {name: wire, url: `+up.srv.URL+`/rss2.xml}
  - name: listing
    kind: html
    url: `+page.URL+`/news/
    select: {item: "ul.nothing li", title: "a", link: "a@href"}
  - {name: newsroom, kind: files, path: `+articles+`, base_url: "https://news.example.org/articles/"}
`, "  - {slug: all, title: All, sources: [wire, listing, newsroom]}\n"))
	return path, filepath.Join(dir, "tributary.db")
}

func TestCLI(t *testing.T) {
	up := newUpstream(t)
	cfg, db := fetchConfig(t, up)
	good := filepath.Join("testdata", "cli", "good", "config.yaml")
	bad := filepath.Join("testdata", "cli", "bad", "config.yaml")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings, in order
		stderr []string
	}{
		{"check good", []string{"check", "-config", good}, exitOK,
			[]string{"ok: 3 sources, 2 feeds", "world-wire", "embassy-news", "newsroom", "world", "local"}, nil},
		{"check bad", []string{"check", "-config", bad}, exitError,
			nil, []string{"config.yaml:6: sources[0].shedule: unknown field"}},
		{"check missing file", []string{"check", "-config", "testdata/cli/none.yaml"}, exitError,
			nil, []string{"none.yaml"}},
		{"unknown command", []string{"frobnicate"}, exitUsage, nil, []string{`unknown command "frobnicate"`, "Usage:"}},
		{"bad flag", []string{"check", "-nope"}, exitUsage, nil, []string{"-nope", "Usage:"}},
		{"bad serve flag", []string{"-nope"}, exitUsage, nil, []string{"-nope", "Usage:"}},
		{"bad log format", []string{"serve", "-config", good, "-log-format", "xml"}, exitUsage, nil, []string{"-log-format"}},
		{"check with an argument", []string{"check", "extra"}, exitUsage, nil, []string{`unexpected argument "extra"`}},
		{"opml without a command", []string{"opml"}, exitUsage, nil, []string{"export or import"}},
		{"opml unknown command", []string{"opml", "merge"}, exitUsage, nil, []string{`unknown opml command "merge"`}},
		{"opml export with an argument", []string{"opml", "export", "-config", good, "x.opml"}, exitUsage, nil, []string{`unexpected argument "x.opml"`}},
		{"opml import without a file", []string{"opml", "import"}, exitUsage, nil, []string{"one FILE"}},
		{"opml import of a missing file", []string{"opml", "import", "testdata/cli/none.opml"}, exitError, nil, []string{"none.opml"}},
		{"fetch without a source", []string{"fetch", "-config", cfg}, exitUsage, nil, []string{"exactly one SOURCE"}},
		{"-version", []string{"-version"}, exitOK, []string{"tributary " + version + " (go"}, nil},
		{"check -version", []string{"check", "-version"}, exitOK, []string{"tributary " + version}, nil},
		{"version", []string{"version"}, exitOK, []string{"tributary " + version}, nil},
		{"help", []string{"help"}, exitOK, []string{"Usage:", "tributary fetch"}, nil},
		{"-h", []string{"check", "-h"}, exitOK, nil, []string{"-config"}},
		{"serve -h lists the commands", []string{"-h"}, exitOK, nil, []string{
			"Usage:", "tributary check", "tributary fetch", "tributary opml import",
			"Flags of tributary serve:", "-config", "-log-format", "-log-level"}},
		{"fetch -h", []string{"fetch", "-h"}, exitOK, nil, []string{"Usage:", "Flags of tributary fetch:", "-config"}},
		{"check with an argument among flags", []string{"check", "-config", good, "extra"}, exitUsage, nil, []string{`unexpected argument "extra"`}},
		{"bad flag after an argument", []string{"fetch", "wire", "-nope"}, exitUsage, nil, []string{"-nope", "Usage:"}},
		{"fetch SOURCE -config F", []string{"fetch", "wire", "-config", cfg}, exitOK, []string{"1. Harbour opens & more", "3 items"}, nil},
		{"fetch after --", []string{"fetch", "-config", cfg, "--", "wire"}, exitOK, []string{"1. Harbour opens & more", "3 items"}, nil},
		{"fetch two sources", []string{"fetch", "wire", "-config", cfg, "newsroom"}, exitUsage, nil, []string{"exactly one SOURCE"}},
		{"opml import FILE -config F", []string{"opml", "import", filepath.Join("testdata", "cli", "subs.opml"), "-config", good}, exitOK,
			[]string{"https://wire.example.org/world.rss"}, nil},
		{"fetch feed", []string{"fetch", "-config", cfg, "wire"}, exitOK, []string{
			"1. Harbour opens & more", "date:   2026-11-20T10:00:00Z", "link:   " + up.srv.URL + "/news/a.html",
			"Undated wire story", "date:   (no date: first-seen time)", "link:   " + up.srv.URL + "/news/b.html",
			"Shared story", "date:   2026-11-18T00:00:00Z",
			"3 items",
		}, nil},
		{"fetch html matching nothing", []string{"fetch", "-config", cfg, "listing"}, exitError,
			nil, []string{`select.item "ul.nothing li" matched nothing`}},
		{"fetch unknown source", []string{"fetch", "-config", cfg, "nope"}, exitError,
			nil, []string{`no source named "nope"`}},
		{"fetch files", []string{"fetch", "-config", cfg, "newsroom"}, exitOK, []string{
			"1. Harbour authority approves offshore wind farm link", "date:   2026-03-02T08:30:00Z",
			"link:   https://news.example.org/articles/harbour-wind-farm", "author: Ines Duarte",
			"2. Central library reopens after two-year renovation", "date:   2023-06-07T00:00:00Z",
			"link:   https://news.example.org/articles/library-reopens", "author: Tomas Berg, Ines Duarte",
			"2 items",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runCLI(t, "", tc.args...)
			if got.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tc.code, got.stdout, got.stderr)
			}
			containsInOrder(t, "stdout", got.stdout, tc.stdout)
			containsInOrder(t, "stderr", got.stderr, tc.stderr)
		})
	}
	// fetch is for trying selectors: it must not create or touch the store.
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("fetch created the store %s (stat: %v)", db, err)
	}
}

func containsInOrder(t *testing.T, what, text string, subs []string) {
	t.Helper()
	rest := text
	for _, s := range subs {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Errorf("%s lacks %q (in this order):\n%s", what, s, text)
			return
		}
		rest = rest[i+len(s):]
	}
}

// importedSources is the YAML that "opml import" prints.
type importedSources struct {
	Sources []struct {
		Name string   `yaml:"name"`
		Kind string   `yaml:"kind"`
		URL  string   `yaml:"url"`
		Tags []string `yaml:"tags"`
	} `yaml:"sources"`
}

func parseImported(t *testing.T, text string) importedSources {
	t.Helper()
	var doc importedSources
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("imported YAML: %v\n%s", err, text)
	}
	return doc
}

// pasteSources pastes the sources block that "opml import" printed into a
// config, as the operator would, with a feed "reading" of the sources
// named and then extraFeeds (YAML list entries). It fails the test unless
// "tributary check" accepts the config, and returns its path and what
// check printed.
func pasteSources(t *testing.T, block string, names []string, extraFeeds string) (path, checked string) {
	t.Helper()
	quoted, err := json.Marshal(names) // a JSON list is a YAML flow list
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "server:\n  base_url: https://feeds.example.org\n"+block+
		"feeds:\n  - slug: reading\n    title: My reading\n    sources: "+string(quoted)+"\n"+extraFeeds)
	check := runCLI(t, "", "check", "-config", path)
	if check.code != exitOK {
		t.Fatalf("check of the pasted sources: exit %d: %s\n%s", check.code, check.stderr, block)
	}
	return path, check.stdout
}

// TestOPMLExportImport exports the feeds of a config and imports them back:
// one feed source per published feed, at its Atom URL.
func TestOPMLExportImport(t *testing.T) {
	good := filepath.Join("testdata", "cli", "good", "config.yaml")
	out := runCLI(t, "", "opml", "export", "-config", good)
	if out.code != exitOK {
		t.Fatalf("export: exit %d: %s", out.code, out.stderr)
	}
	in := runCLI(t, out.stdout, "opml", "import", "-")
	if in.code != exitOK {
		t.Fatalf("import: exit %d: %s", in.code, in.stderr)
	}
	doc := parseImported(t, in.stdout)
	var urls []string
	for _, s := range doc.Sources {
		if s.Kind != "feed" || s.Name == "" {
			t.Errorf("imported source %+v: want a named feed source", s)
		}
		urls = append(urls, s.URL)
	}
	want := []string{"https://feeds.example.org/feeds/world.atom", "https://feeds.example.org/feeds/local.atom"}
	if !slices.Equal(urls, want) {
		t.Errorf("imported URLs = %q, want %q", urls, want)
	}
}

func TestOPMLImportNotOPML(t *testing.T) {
	got := runCLI(t, "<html>not a subscription list</html>", "opml", "import", "-")
	if got.code != exitError || got.stdout != "" || !strings.Contains(got.stderr, "-: opml:") {
		t.Errorf("import of HTML: exit %d, stdout %q, stderr %q; want 1, nothing, an opml error", got.code, got.stdout, got.stderr)
	}
}

// TestOPMLImportExport imports a reader's subscriptions, publishes them as
// one feed and exports that feed.
func TestOPMLImportExport(t *testing.T) {
	in := runCLI(t, "", "opml", "import", filepath.Join("testdata", "cli", "subs.opml"))
	if in.code != exitOK {
		t.Fatalf("import: exit %d: %s", in.code, in.stderr)
	}
	doc := parseImported(t, in.stdout)
	var names, urls []string
	for _, s := range doc.Sources {
		names = append(names, s.Name)
		urls = append(urls, s.URL)
	}
	wantURLs := []string{"https://wire.example.org/world.rss", "https://gazette.example.net/feed.atom", "https://www.courier.example.com/rss"}
	if !slices.Equal(urls, wantURLs) {
		t.Fatalf("imported URLs = %q, want %q", urls, wantURLs)
	}

	path, checked := pasteSources(t, in.stdout, names, "")
	containsInOrder(t, "check", checked, append([]string{"3 sources, 1 feed"}, names...))

	out := runCLI(t, "", "opml", "export", "-config", path)
	if out.code != exitOK {
		t.Fatalf("export: exit %d: %s", out.code, out.stderr)
	}
	outlines, err := opml.Import(strings.NewReader(out.stdout))
	if err != nil {
		t.Fatalf("exported OPML does not parse: %v\n%s", err, out.stdout)
	}
	if len(outlines) != 1 || outlines[0].XMLURL != "https://feeds.example.org/feeds/reading.atom" || outlines[0].Title != "My reading" {
		t.Errorf("exported outlines = %+v, want the one feed \"reading\"", outlines)
	}
}

// TestServeJSONLogs runs the serve command itself with -log-format json:
// every line it logs is a JSON object, and it stops cleanly when its
// context ends (SIGTERM), writing the heap profile -memprofile asks for.
func TestServeJSONLogs(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	prof := filepath.Join(dir, "heap.prof")
	writeFile(t, path, daemonConfig(dir, "", "  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: news, title: News, sources: [wire]}\n"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "-config", path, "-log-format", "json", "-memprofile", prof}, nil, &stdout, stderr)
	}()

	var addr string
	waitFor(t, "the listening log line", func() bool {
		for _, rec := range jsonLines(t, stderr.String()) {
			if rec["msg"] == "listening" {
				addr, _ = rec["addr"].(string)
				return true
			}
		}
		return false
	})
	waitFor(t, "the first fetch", func() bool {
		return strings.Contains(stderr.String(), `"msg":"fetch"`)
	})
	if resp, _ := get(t, "http://"+addr+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: status %d", resp.StatusCode)
	}
	cancel()
	if c := <-code; c != exitOK {
		t.Errorf("serve exit code %d, want 0\n%s", c, stderr.String())
	}
	// A pprof profile is gzipped protobuf.
	if f, err := os.Open(prof); err != nil {
		t.Errorf("-memprofile: %v", err)
	} else {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Errorf("-memprofile: not gzip: %v", err)
		} else if n, _ := io.Copy(io.Discard, zr); n == 0 {
			t.Error("-memprofile: empty profile")
		}
	}
	recs := jsonLines(t, stderr.String())
	for _, rec := range recs {
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log record lacks %q: %v", k, rec)
			}
		}
	}
	if last := recs[len(recs)-1]; last["msg"] != "shutting down" {
		t.Errorf("last log record = %v, want shutting down", last)
	}
}

// jsonLines decodes every complete line of logs as a JSON object.
func jsonLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	lines := strings.Split(logs, "\n")
	lines = lines[:len(lines)-1] // the last one is partial or empty
	out := make([]map[string]any, 0, len(lines))
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		out = append(out, rec)
	}
	return out
}

// TestHelpOnce: help and usage errors print the command list once, and
// the flags shown are those of the command asked about.
func TestHelpOnce(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		has, not string
	}{
		{[]string{"-h"}, exitOK, "-cpuprofile", "Usage of"},
		{[]string{"fetch", "-h"}, exitOK, "Flags of tributary fetch:", "-cpuprofile"},
		{[]string{"check", "-nope"}, exitUsage, "-nope", "Usage of"},
		{[]string{"fetch", "wire", "-config"}, exitUsage, "flag needs an argument: -config", "Usage of"},
	} {
		got := runCLI(t, "", tc.args...)
		if got.code != tc.code || strings.Count(got.stderr, "Usage:") != 1 ||
			!strings.Contains(got.stderr, tc.has) || strings.Contains(got.stderr, tc.not) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit %d, one \"Usage:\", %q and not %q", tc.args, got.code, got.stderr, tc.code, tc.has, tc.not)
		}
	}
}

// TestCheckWarnings: check accepts a config whose variable is unset, but
// says so after the summary; a listen address on every interface is
// served at localhost.
func TestCheckWarnings(t *testing.T) {
	t.Setenv("TRIBUTARY_TEST_UNSET", "")
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, `server:
  listen: ":8080"
  admin_token: "0123456789abcdef${TRIBUTARY_TEST_UNSET}"
sources:
  - {name: wire, url: "https://example.org/feed.xml"}
`)
	got := runCLI(t, "", "check", "-config", path)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	containsInOrder(t, "stdout", got.stdout, []string{
		"ok: 1 source, 0 feeds; storage sqlite; serving http://localhost:8080\n",
		"wire",
		"warning: " + path + ":3: ${TRIBUTARY_TEST_UNSET} is not set\n",
		"warning: " + path + ": no feeds",
	})
}
