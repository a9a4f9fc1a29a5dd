package feed

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanXML(t *testing.T) {
	tests := []struct {
		name, in, enc, want string
	}{
		{"clean", "<t>a &#233; &#x1F600; &amp; \t\r\n</t>", "", "<t>a &#233; &#x1F600; &amp; \t\r\n</t>"},
		{"raw controls", "<t>a\x01b\x00c\x1fd\x7f</t>", "", "<t>abcd\x7f</t>"},
		{"hex reference", "<t>a&#x1;b&#X0b;c</t>", "", "<t>abc</t>"},
		{"decimal reference", "<t>a&#1;b&#0;c&#31;d&#9;e</t>", "", "<t>abcd&#9;e</t>"},
		{"non-characters", "<t>&#xFFFE;&#xffff;&#65534;x</t>", "", "<t>x</t>"},
		{"surrogates", "<t>&#xD800;&#xDFFF;&#55296;x&#xE000;</t>", "", "<t>x&#xE000;</t>"},
		{"beyond Unicode", "<t>&#x110000;&#99999999999999999999;x&#x10FFFF;</t>", "", "<t>x&#x10FFFF;</t>"},
		{"malformed references kept", "<t>&#x1 &#; &#x; &#1</t>", "", "<t>&#x1 &#; &#x; &#1</t>"},
		{"raw U+FFFE in UTF-8", "<t>a\uFFFEb\uFFFFc\uFFFDd</t>", "UTF-8", "<t>abc\uFFFDd</t>"},
		{"EF BF BE is text in windows-1252", "<t>a\xef\xbf\xbeb\x01</t>", "windows-1252", "<t>a\xef\xbf\xbeb</t>"},
		{"invalid UTF-8 declared UTF-8", "<t>caf\xe9\x01</t>", "utf-8", "<t>caf\uFFFD</t>"},
		{"UTF-16 untouched", "<\x00t\x00>\x00", "UTF-16", "<\x00t\x00>\x00"},
		{"reference at the end", "x&#x1;", "", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(cleanXML([]byte(tt.in), tt.enc)); got != tt.want {
				t.Errorf("cleanXML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanXMLNoCopy(t *testing.T) {
	in := []byte("<rss><channel><title>Fine &amp; &#233;</title></channel></rss>")
	if out := cleanXML(in, ""); &out[0] != &in[0] || len(out) != len(in) {
		t.Error("a clean body was copied")
	}
}

func TestParseKeepsItemsAroundBadCharacters(t *testing.T) {
	for _, bad := range []string{"&#x1;", "&#1;", "\x01", "&#xFFFE;", "&#xD800;"} {
		body := `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>` +
			`<entry><id>a</id><title>One` + bad + ` two</title></entry><entry><id>b</id><title>Three</title></entry></feed>`
		p, err := Parse([]byte(body), "application/atom+xml", testFeedURL)
		if err != nil {
			t.Errorf("%q: %v", bad, err)
			continue
		}
		if len(p.Items) != 2 || p.Items[0].Title != "One two" || p.Items[1].Title != "Three" {
			t.Errorf("%q: items %+v", bad, p.Items)
		}
	}
}

// FuzzCleanXML checks that the output of cleanXML has nothing that
// encoding/xml rejects as a character, and that a second pass changes
// nothing.
func FuzzCleanXML(f *testing.F) {
	for _, s := range []string{"<t>a&#x1;b</t>", "<t>\x01&#0;&#xD800;</t>", "&#99999999999;", "\xef\xbf\xbe", "caf\xe9"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := cleanXML(in, "")
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		if again := cleanXML(out, ""); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
		d := xml.NewDecoder(strings.NewReader("<r>" + textOnly(out) + "</r>"))
		d.Strict = false
		for {
			_, err := d.Token()
			if err == io.EOF {
				return
			}
			if err != nil && strings.Contains(err.Error(), "illegal character") {
				t.Fatalf("%q -> %q: %v", in, out, err)
			}
			if err != nil {
				return // other syntax errors are not ours to fix
			}
		}
	})
}

// textOnly keeps only text and references, so that the decoder reaches
// them. Markup becomes a space, not nothing: "&#0>;" must not turn into a
// reference that the input never had.
func textOnly(b []byte) string {
	return strings.NewReplacer("<", " ", ">", " ", "]]", " ").Replace(string(b))
}

func BenchmarkCleanXML(b *testing.B) {
	clean := benchRSS()
	dirty := bytes.Replace(clean, []byte("</title>"), []byte("&#x1;</title>"), 1)
	for _, bc := range []struct {
		name string
		body []byte
	}{{"Clean", clean}, {"OneBad", dirty}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				cleanXML(bc.body, "")
			}
		})
	}
}

func TestCleanXMLFormedReferences(t *testing.T) {
	for in, want := range map[string]string{
		"&\x01#0;0":          "0",
		"a&#&#x1;x1;b":       "ab",
		"&#\x0200\x03;x":     "x",
		"&amp;#1;":           "&amp;#1;",
		"&#x4\x01&#1;1;":     "&#x41;",
		"&#x4\x01&#1;1;\x01": "&#x41;",
	} {
		if got := string(cleanXML([]byte(in), "")); got != want {
			t.Errorf("cleanXML(%q) = %q, want %q", in, got, want)
		}
	}
}
