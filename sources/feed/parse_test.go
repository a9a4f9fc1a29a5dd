package feed

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

const testFeedURL = "https://example.org/feeds/feed.xml"

// contentTypes gives fixtures the HTTP Content-Type they are served with;
// the rest are served without a charset.
var contentTypes = map[string]string{
	"cp1252.xml":      "application/rss+xml; charset=windows-1252",
	"jsonfeed10.json": "application/feed+json",
	"jsonfeed11.json": "application/feed+json",
}

func fixtures(t testing.TB) []string {
	t.Helper()
	var names []string
	for _, pat := range []string{"*.xml", "*.json"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			if !strings.HasSuffix(p, ".golden.json") {
				names = append(names, filepath.Base(p))
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no fixtures")
	}
	return names
}

func contentType(name string) string {
	if ct, ok := contentTypes[name]; ok {
		return ct
	}
	return "application/xml"
}

func TestParseGolden(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(body, contentType(name), testFeedURL)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep the HTML in goldens readable
			enc.SetIndent("", "  ")
			if err := enc.Encode(p.Items); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden.Check(t, filepath.Join("testdata", name+".golden.json"), got, *update)
		})
	}
}

func TestParseFeedFields(t *testing.T) {
	tests := []struct {
		file      string
		title     string
		link      string
		ttl       time.Duration
		firstItem string
	}{
		{"rss20.xml", "World & Wire", "https://example.org/news/", 45 * time.Minute, "Summit opens in Geneva"},
		{"rss091.xml", "Old Wire", "https://old.example.org/", 0, "First story of the day"},
		{"rss10.xml", "RDF Site", "https://rdf.example.org/", 0, "Alpha"},
		{"atom03.xml", "Atom Zero Three", "https://atom03.example.org/", 0, "Legacy entry"},
		{"atom10.xml", "Atom Blog", "https://atom.example.org/blog/", 0, "Based entry"},
		{"jsonfeed10.json", "JSON One", "https://json1.example.org/", 0, "AT&amp;amp;T <i>merger</i>"}, // JSON Feed titles are plain text: kept as written
		{"jsonfeed11.json", "JSON One One", "https://json11.example.org/", 0, "Podcast episode"},
		{"latin1.xml", "Café Nouvelles", "https://latin.example.org/", 0, "Le café à Zürich"},
		{"cp1252.xml", "Prix €", "https://cp.example.org/", 0, "“Café” costs 5 € — or less"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(body, contentType(tt.file), testFeedURL)
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != tt.title || p.Link != tt.link || p.TTL != tt.ttl {
				t.Errorf("Parsed = {%q %q %v}, want {%q %q %v}", p.Title, p.Link, p.TTL, tt.title, tt.link, tt.ttl)
			}
			if len(p.Items) == 0 || p.Items[0].Title != tt.firstItem {
				t.Fatalf("first item title: got %+v, want %q", p.Items, tt.firstItem)
			}
		})
	}
}

func TestParseCharset(t *testing.T) {
	latin1, err := os.ReadFile(filepath.Join("testdata", "latin1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const cafe = "Le café à Zürich"
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{"declaration only", latin1, "text/xml", cafe},
		// The declaration travels with the bytes; a wrong header loses.
		{"declaration beats header", latin1, "text/xml; charset=utf-8", cafe},
		{"header only", []byte("<rss version=\"2.0\"><channel><item><title>caf\xe9 \x80</title><link>https://x.org/</link></item></channel></rss>"), "text/xml; charset=windows-1252", "café €"},
		{"latin-1 header", []byte("<rss version=\"2.0\"><channel><item><title>caf\xe9</title><link>https://x.org/</link></item></channel></rss>"), "text/xml; charset=ISO-8859-1", "café"},
		{"no hint, not utf-8", []byte("<rss version=\"2.0\"><channel><item><title>caf\xe9</title><link>https://x.org/</link></item></channel></rss>"), "", "café"},
		{"utf-8 bom", []byte("\xef\xbb\xbf<rss version=\"2.0\"><channel><item><title>café</title><link>https://x.org/</link></item></channel></rss>"), "", "café"},
		{"json with header charset", []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","title":"caf` + "\xe9" + `"}]}`), "application/feed+json; charset=iso-8859-1", "café"},
		{"unknown header charset, utf-8 body", []byte("<rss version=\"2.0\"><channel><item><title>café</title><link>https://x.org/</link></item></channel></rss>"), "text/xml; charset=x-bogus", "café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.body, tt.contentType, testFeedURL)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != 1 || p.Items[0].Title != tt.want {
				t.Fatalf("items = %+v, want one titled %q", p.Items, tt.want)
			}
		})
	}
}

func TestParseDuplicateIDs(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "dupguid.xml"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := Parse(body, "", testFeedURL)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, it := range first.Items {
		if seen[it.ID] {
			t.Errorf("id %q repeated", it.ID)
		}
		seen[it.ID] = true
	}
	if len(first.Items) != 4 {
		t.Fatalf("got %d items, want 4 (none merged)", len(first.Items))
	}
	again, err := Parse(body, "", testFeedURL)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first.Items {
		if first.Items[i].ID != again.Items[i].ID {
			t.Errorf("item %d: id %q then %q, want stable", i, first.Items[i].ID, again.Items[i].ID)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"html page", "<!DOCTYPE html><html><body><p>not a feed</p></body></html>"},
		{"broken json", `{"version":"https://jsonfeed.org/version/1.1","items":[`},
		{"plain text", "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), "", testFeedURL)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), testFeedURL) {
				t.Errorf("error %q does not name the feed", err)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"60", time.Hour},
		{" 5 ", 5 * time.Minute},
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{"999999", maxTTL},
	}
	for _, tt := range tests {
		if got := parseTTL(tt.in); got != tt.want {
			t.Errorf("parseTTL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestXMLDeclEncoding(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`, "ISO-8859-1"},
		{"  \n<?xml version='1.0' encoding = 'windows-1252' ?>", "windows-1252"},
		{`<?xml version="1.0"?><rss/>`, ""},
		{`<rss/>`, ""},
		{`<?xml version="1.0" encoding="utf-8"`, ""},
		{`<?xml version="1.0" encoding=utf-8?>`, ""},
		{`<?xml version="1.0" encoding="unterminated?>`, ""},
	}
	for _, tt := range tests {
		if got := xmlDeclEncoding([]byte(tt.in)); got != tt.want {
			t.Errorf("xmlDeclEncoding(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
