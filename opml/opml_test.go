package opml

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
		{Title: "Café", XMLURL: "http://a.example/rss", Type: "rss"},
		{Title: "T", XMLURL: "http://b.example/atom", HTMLURL: "http://b.example/"},
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
	got, err := SourcesYAML([]Outline{
		{Title: "World News", XMLURL: "http://example.org/world.rss"},
		{Title: "world news!", XMLURL: "http://example.org/world2.rss"},
		{Title: "World News 2", XMLURL: "http://example.org/world-two.rss"},
		{Title: "World News", XMLURL: "http://example.org/world3.rss"},
		{Title: "Café Crème", XMLURL: "http://cafe.example/feed?a=1&b=2"},
		{Title: "日本語", XMLURL: "https://www.blog.example.com/atom.xml"},
		{Title: "", XMLURL: "not a url: #"},
		{Title: "yes", XMLURL: "http://example.org/yes: no"},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sources.yaml", got)
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World", "hello-world"},
		{"  --Le Monde diplomatique--  ", "le-monde-diplomatique"},
		{"Ærø & Ñandú", "r-nandu"},
		{"", ""},
		{"!!!", ""},
		{strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 16), "-")},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(`<opml version="2.0"><body><outline text="a" xmlUrl="http://x/"/></body></opml>`))
	f.Add([]byte(`<opml><body><outline><outline xmlUrl="u"/></outline></body></opml>`))
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
		if _, err := SourcesYAML(outs); err != nil {
			t.Fatal(err)
		}
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
