package opml

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tributaryfeeds/tributary/config"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestExportImportRoundTrip(t *testing.T) {
	in := []Outline{
		{Title: "World news", XMLURL: "http://example.org/feeds/world.atom", HTMLURL: "http://example.org/", Type: "rss"},
		{Title: `Q&A <"quoted">`, XMLURL: "http://example.org/feeds/qa.atom?x=1&y=2", HTMLURL: "http://example.org/", Type: "rss"},
	}
	var buf bytes.Buffer
	if err := Export(&buf, "tributary & co", in); err != nil {
		t.Fatal(err)
	}
	out, err := Import(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, in)
	}
}

func TestExportGolden(t *testing.T) {
	var buf bytes.Buffer
	err := Export(&buf, "tributary", []Outline{
		{Title: "World", XMLURL: "http://example.org/feeds/world.atom", HTMLURL: "http://example.org/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "export.opml", buf.Bytes())
}

func TestImportNestedAndSkipped(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="Folder">
    <outline text="Caf` + "\xe9" + `" type="rss" xmlUrl="http://a.example/rss"/>
    <outline text="Deeper"><outline title="T" text="ignored" xmlUrl="http://b.example/atom" htmlUrl="http://b.example/"/></outline>
  </outline>
  <outline text="no url" htmlUrl="http://c.example/"/>
</body></opml>`
	got, err := Import(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Outline{
		{Title: "Café", XMLURL: "http://a.example/rss", Type: "rss", Folders: []string{"Folder"}},
		{Title: "T", XMLURL: "http://b.example/atom", HTMLURL: "http://b.example/", Folders: []string{"Folder", "Deeper"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "", "empty document"},
		{"truncated", `<opml version="2.0"><body><outline`, "opml: parse:"},
		{"not opml", `<rss version="2.0"></rss>`, "expected element type <opml>"},
		{"garbage", `}{`, "opml: parse:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSourcesYAMLGolden(t *testing.T) {
	got, warnings, err := SourcesYAML([]Outline{
		{Title: "World News", XMLURL: "http://example.org/world.rss"},
		{Title: "world news!", XMLURL: "http://example.org/world2.rss"},
		{Title: "World News 2", XMLURL: "http://example.org/world-two.rss"},
		{Title: "World News", XMLURL: "http://example.org/world3.rss"},
		{Title: "Café Crème", XMLURL: "http://cafe.example/feed?a=1&b=2", Folders: []string{"Food & Drink", "food-drink", "Paris"}},
		{Title: "日本語", XMLURL: "https://www.blog.example.com/atom.xml", Folders: []string{"日本"}},
		{Title: "", XMLURL: "not a url: #"},
		{Title: "yes", XMLURL: "http://example.org/yes: no"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []string{`skipped "not a url: #": unparseable URL`}
	if !slices.Equal(warnings, wantWarnings) {
		t.Errorf("warnings = %q, want %q", warnings, wantWarnings)
	}
	golden(t, "sources.yaml", got)
}

// TestImportPastesIntoConfig imports an OPML file with every case
// acceptance testing found (bad schemes, spaces, repeats, nested folders,
// non-ASCII titles) and checks that the YAML, pasted into a config with
// a feed over its sources, passes config validation.
func TestImportPastesIntoConfig(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "import.opml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	outlines, err := Import(f)
	if err != nil {
		t.Fatal(err)
	}
	got, warnings, err := SourcesYAML(outlines)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []string{
		`skipped "Wire again" ("https://WIRE.example.org/world.rss"): same URL as source "wire"`,
		`skipped "FTP feed" ("ftp://x.example.org/feed"): not an absolute http(s) URL`,
		`skipped "Relative" ("/feed.xml"): not an absolute http(s) URL`,
		`skipped "Script" ("javascript:alert(1)"): not an absolute http(s) URL`,
		`skipped "Broken" ("http://bad host/%zz"): unparseable URL`,
		`skipped "Search" ("https://e.example/rss?q=a%20b"): same URL as source "search"`,
	}
	if !slices.Equal(warnings, wantWarnings) {
		t.Errorf("warnings:\n got %q\nwant %q", warnings, wantWarnings)
	}
	golden(t, "import.yaml", got)
	checkConfig(t, got)
}

// checkConfig pastes a sources block into a minimal config, with one feed
// over all its sources and one over each tag, and validates it.
func checkConfig(t *testing.T, sourcesYAML []byte) {
	t.Helper()
	var doc struct {
		Sources []sourceEntry `yaml:"sources"`
	}
	if err := yaml.Unmarshal(sourcesYAML, &doc); err != nil {
		t.Fatalf("sources YAML: %v\n%s", err, sourcesYAML)
	}
	if len(doc.Sources) == 0 {
		return // a feed needs at least one source
	}
	var names []string
	tagSet := map[string]bool{}
	for _, s := range doc.Sources {
		names = append(names, s.Name)
		for _, tag := range s.Tags {
			tagSet[tag] = true
		}
	}
	feeds := []map[string]any{{"slug": "all", "title": "All", "sources": names}}
	for _, tag := range slices.Sorted(maps.Keys(tagSet)) {
		feeds = append(feeds, map[string]any{"slug": "tag-" + tag, "title": tag, "sources": []string{"tag:" + tag}})
	}
	feedsYAML, err := yaml.Marshal(map[string]any{"feeds": feeds})
	if err != nil {
		t.Fatal(err)
	}
	text := append(slices.Clone(sourcesYAML), feedsYAML...)
	if _, err := config.Parse("pasted.yaml", text, nil); err != nil {
		t.Fatalf("pasted config does not validate: %v\n%s", err, text)
	}
}

func TestFeedURL(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"https://e.example/rss?q=a b", "https://e.example/rss?q=a%20b", ""},
		{"  http://E.Example/a b  ", "http://e.example/a%20b", ""},
		{"https://env.example/?k=${HOME}", "https://env.example/?k=$%7BHOME%7D", ""},
		{"HTTPS://x.example", "https://x.example", ""},
		{"ftp://x.example.org/feed", "", "not an absolute http(s) URL"},
		{"feed://x.example.org/feed", "", "not an absolute http(s) URL"},
		{"http:///path", "", "not an absolute http(s) URL"},
		{"//x.example/rss", "", "not an absolute http(s) URL"},
		{"", "", "not an absolute http(s) URL"},
		{"http://x.example/%zz", "", "unparseable URL"},
		{"http://x.example/\x00", "", "unparseable URL"},
	}
	for _, tt := range tests {
		got, err := feedURL(tt.in)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("feedURL(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World", "hello-world"},
		{"  --Le Monde diplomatique--  ", "le-monde-diplomatique"},
		{"Ærø & Ñandú", "aero-nandu"},
		{"Ünïcødé — News", "unicode-news"},
		{"Straße, Łódź, Đakovo, Œuvre, Þing", "strasse-lodz-dakovo-oeuvre-thing"},
		{"ＦＵＬＬ ｗｉｄｔｈ ①", "full-width-1"},
		{"日本語ニュース", ""},
		{"", ""},
		{"!!!", ""},
		{strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 16), "-")},
		{strings.Repeat("ß", 30), strings.Repeat("s", maxNameLen)},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExportFeeds(t *testing.T) {
	var buf bytes.Buffer
	err := ExportFeeds(&buf, "https://feeds.example/", []Feed{{Slug: "world", Title: "World & more"}, {Slug: "local", Title: "Local"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "feeds.opml", buf.Bytes())
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(`<opml version="2.0"><body><outline text="a" xmlUrl="http://x/"/></body></opml>`))
	f.Add([]byte(`<opml><body><outline><outline xmlUrl="u"/></outline></body></opml>`))
	f.Add([]byte(`<opml><body><outline text="Ø"><outline text="ß" xmlUrl="http://x/a b"/><outline xmlUrl="HTTP://X/a%20b"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		outs, err := Import(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, o := range outs {
			if o.XMLURL == "" {
				t.Fatalf("outline without xmlUrl returned: %+v", o)
			}
		}
		y, _, err := SourcesYAML(outs)
		if err != nil {
			t.Fatal(err)
		}
		checkConfig(t, y)
	})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s mismatch:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}
