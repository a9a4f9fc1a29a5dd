package feeds

import (
	"encoding/xml"
	"io"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSanitizeHTML(t *testing.T) {
	base, _ := url.Parse("https://example.org/news/story")
	tests := []struct{ name, in, want string }{
		{"plain text", "just text", "just text"},
		{"script removed", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`},
		{"handler removed", `<p onclick="x()">a</p>`, `<p>a</p>`},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"relative link", `<a href="../a?b=1&amp;c=2">x</a>`, `<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">x</a>`},
		{"protocol relative img", `<img src="//cdn.example.org/i.png">`, `<img src="https://cdn.example.org/i.png"/>`},
		{"srcset", `<img src="a.png" srcset="a.png 1x, javascript:x 2x, b.png 2x">`, `<img src="https://example.org/news/a.png" srcset="https://example.org/news/a.png 1x, https://example.org/news/b.png 2x"/>`},
		{"iframe and style", `<iframe src="https://e/"></iframe><style>p{}</style><p>b</p>`, `<p>b</p>`},
		{"empty elements", `<p> </p><div><span></span></div><p>x<br></p>`, `<p>x<br/></p>`},
		{"control chars", "<p>a\x00b\x1bc</p>", `<p>abc</p>`},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeHTML(tt.in, base); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestXMLClean(t *testing.T) {
	in := "a\x00b\x08c\td\ne\rf\uFFFEg\xffh😀"
	if got, want := xmlClean(in), "abc\td\ne\rfgh😀"; got != want {
		t.Errorf("xmlClean = %q, want %q", got, want)
	}
}

// FuzzSanitize checks that any input yields HTML without active content and
// feeds that are well-formed XML.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{`<p onclick=x>a</p>`, `<a href="jav&#x09;ascript:x">y</a>`, "\x00<![CDATA[ ]]>", `<svg><script>x</script></svg>`, `<img src=x onerror=y>`} {
		f.Add(s, "t\x01")
	}
	base, _ := url.Parse("https://example.org/")
	f.Fuzz(func(t *testing.T, body, title string) {
		if bad := activeContent(sanitizeHTML(body, base)); bad != "" {
			t.Fatalf("sanitized %q keeps %s", body, bad)
		}
		items := fixtureItems()[:1]
		items[0].Content, items[0].Summary, items[0].Title = body, body, title
		for _, fm := range []Format{RSS, Atom} {
			doc, err := Render(fixtureMeta(fm), items, fm)
			if err != nil {
				t.Fatal(err)
			}
			d := xml.NewDecoder(strings.NewReader(string(doc)))
			for {
				if _, err := d.Token(); err != nil {
					if err != io.EOF {
						t.Fatalf("%s not well-formed: %v\n%s", fm, err, doc)
					}
					break
				}
			}
		}
	})
}

// activeContent names the first script, style, frame, event handler or
// non-web URL in an HTML fragment, or returns "".
func activeContent(frag string) string {
	z := html.NewTokenizer(strings.NewReader(frag))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "form", "svg", "math":
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" ||
					(a.Key == "href" || a.Key == "src") && !strings.HasPrefix(v, "http") && !strings.HasPrefix(v, "mailto:") {
					return a.Key + "=" + a.Val
				}
			}
		}
	}
}
