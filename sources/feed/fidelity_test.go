package feed

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

func parseOne(t *testing.T, doc, contentType string) *Parsed {
	t.Helper()
	p, err := Parse([]byte(doc), contentType, testFeedURL)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

const rssHead = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:a10="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://site.example/</link>`

func TestTitlesPlainOrHTML(t *testing.T) {
	rss := parseOne(t, rssHead+`
<item><guid>1</guid><title>History of the &lt;blink&gt; tag</title></item>
<item><guid>2</guid><title>&lt;b&gt;Bold&lt;/b&gt; move</title></item>
<item><guid>3</guid><title>AT&amp;T &amp;amp; friends</title></item>
<item><guid>4</guid><title>x &lt; y &amp;&amp; y &gt; z</title></item>
<item><guid>5</guid><media:title>From media</media:title><enclosure url="https://cdn.example/5.mp3" type="audio/mpeg" length="1"/></item>
<item><guid>6</guid><media:group><media:content url="https://cdn.example/6.mp4"><media:title>Grouped</media:title></media:content></media:group></item>
</channel></rss>`, "")
	want := []string{"History of the <blink> tag", "Bold move", "AT&T & friends", "x < y && y > z", "From media", "Grouped"}
	for i, it := range rss.Items {
		if it.Title != want[i] {
			t.Errorf("rss item %d: title %q, want %q", i, it.Title, want[i])
		}
	}
	atom := parseOne(t, `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<entry><id>urn:1</id><title type="text">History of the &lt;blink&gt; tag</title></entry>
<entry><id>urn:2</id><title>Plain &lt;T&gt; generic</title></entry>
<entry><id>urn:3</id><title type="html">&lt;em&gt;Rich&lt;/em&gt; &amp;amp; more</title></entry>
<entry><id>urn:4</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>HTML</b></div></title></entry>
</feed>`, "")
	want = []string{"History of the <blink> tag", "Plain <T> generic", "Rich & more", "XHTML"}
	for i, it := range atom.Items {
		if it.Title != want[i] {
			t.Errorf("atom entry %d: title %q, want %q", i, it.Title, want[i])
		}
	}
}

func TestLinks(t *testing.T) {
	p := parseOne(t, rssHead+`
<item><guid isPermaLink="false">https://site.example/not-a-link</guid><title>a</title></item>
<item><guid>https://site.example/permalink</guid><title>b</title></item>
<item><guid isPermaLink="false">x1</guid><title>c</title><a10:link href="https://site.example/dotnet"/></item>
</channel></rss>`, "")
	want := []string{"", "https://site.example/permalink", "https://site.example/dotnet"}
	for i, it := range p.Items {
		if it.Link != want[i] {
			t.Errorf("rss item %d: link %q, want %q", i, it.Link, want[i])
		}
	}
	a := parseOne(t, `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/blog/posts/"><title>A</title><id>urn:a</id>
<entry xml:base="/blog/posts/"><id>urn:1</id><title>1</title><link href="post-1"/></entry>
<entry><id>urn:2</id><title>2</title><link rel="self" href="https://b.example/self/2"/><link href="gemini://b.example/2"/><link rel="alternate" type="text/html" href="https://b.example/2"/></entry>
<entry><id>urn:3</id><title>3</title><link rel="self" href="https://b.example/self/3"/></entry>
</feed>`, "")
	want = []string{"https://b.example/blog/posts/post-1", "https://b.example/2", ""}
	for i, it := range a.Items {
		if it.Link != want[i] {
			t.Errorf("atom entry %d: link %q, want %q", i, it.Link, want[i])
		}
	}
}

func TestAuthorsAsWritten(t *testing.T) {
	p := parseOne(t, rssHead+`
<item><guid>1</guid><title>a</title><dc:creator>@lawnchairapp</dc:creator></item>
<item><guid>2</guid><title>b</title><dc:creator>Donna Lu (now) and Christopher Knaus (earlier)</dc:creator></item>
<item><guid>3</guid><title>c</title><author>jo@example.org (Jo Bloggs)</author></item>
</channel></rss>`, "")
	want := []string{"@lawnchairapp|", "Donna Lu (now) and Christopher Knaus (earlier)|", "Jo Bloggs|jo@example.org"}
	for i, it := range p.Items {
		if len(it.Authors) != 1 || it.Authors[0].Name+"|"+it.Authors[0].Email != want[i] {
			t.Errorf("item %d: authors %+v, want %s", i, it.Authors, want[i])
		}
	}
	a := parseOne(t, `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<entry><id>urn:1</id><title>1</title><author><name>Ann Editor</name><title>Managing editor</title><email>ann@example.org</email></author></entry>
</feed>`, "")
	if au := a.Items[0].Authors; len(au) != 1 || au[0].Name != "Ann Editor" || au[0].Email != "ann@example.org" {
		t.Errorf("atom author = %+v", au)
	}
}

func TestLenientDates(t *testing.T) {
	p := parseOne(t, rssHead+`
<item><guid>1</guid><title>a</title><pubDate>2018-01-06T08:00</pubDate></item>
<item><guid>2</guid><title>b</title><pubDate>Sat Oct 06 2018 00:00:00 GMT</pubDate></item>
<item><guid>3</guid><title>c</title><pubDate>2020/1/10 14:33:00</pubDate></item>
<item><guid>4</guid><title>d</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>
<item><guid>5</guid><title>e</title><pubDate>3 hours ago</pubDate></item>
</channel></rss>`, "")
	want := []time.Time{
		time.Date(2018, 1, 6, 8, 0, 0, 0, time.UTC),
		time.Date(2018, 10, 6, 0, 0, 0, 0, time.UTC),
		time.Date(2020, 1, 10, 14, 33, 0, 0, time.UTC),
		time.Date(2003, 6, 10, 4, 0, 0, 0, time.UTC),
		{},
	}
	for i, it := range p.Items {
		if !it.Published.Equal(want[i]) {
			t.Errorf("item %d: published %v, want %v", i, it.Published, want[i])
		}
	}
}

func TestEncodings(t *testing.T) {
	doc := `<?xml version="1.0" encoding="%s"?><rss version="2.0"><channel><title>Café</title><item><guid>1</guid><title>Crème brûlée €</title></item></channel></rss>`
	u16 := func(e unicode.Endianness, bom unicode.BOMPolicy) []byte {
		b, err := unicode.UTF16(e, bom).NewEncoder().Bytes([]byte(strings.Replace(doc, "%s", "UTF-16", 1)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	u32 := func(e utf32.Endianness) []byte {
		b, err := utf32.UTF32(e, utf32.UseBOM).NewEncoder().Bytes([]byte(strings.Replace(doc, "%s", "UTF-32", 1)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := map[string][]byte{
		"utf-16le bom":         u16(unicode.LittleEndian, unicode.UseBOM),
		"utf-16be bom":         u16(unicode.BigEndian, unicode.UseBOM),
		"utf-16le no bom":      u16(unicode.LittleEndian, unicode.IgnoreBOM),
		"utf-32le bom":         u32(utf32.LittleEndian),
		"utf-32be bom":         u32(utf32.BigEndian),
		"utf-8 bom":            append([]byte("\xef\xbb\xbf"), strings.Replace(doc, "%s", "utf-8", 1)...),
		"latin-1 label, utf-8": []byte(strings.Replace(doc, "%s", "ISO-8859-1", 1)),
		"cp1252 label, utf-8":  []byte(strings.Replace(doc, "%s", "windows-1252", 1)),
	}
	for name, body := range tests {
		p, err := Parse(body, "application/rss+xml", testFeedURL)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if p.Title != "Café" || len(p.Items) != 1 || p.Items[0].Title != "Crème brûlée €" {
			t.Errorf("%s: title %q, items %+v", name, p.Title, p.Items)
		}
	}
	// Real Latin-1 stays Latin-1.
	latin := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title></channel></rss>")
	if p, err := Parse(latin, "", testFeedURL); err != nil || p.Title != "Café" {
		t.Errorf("latin-1: %v %+v", err, p)
	}
}

func TestRecoversIllFormedXML(t *testing.T) {
	items := `<item><guid>1</guid><title>First</title></item><item><guid>2</guid><title>Second</title>`
	// warn: gofeed alone fails or loses items, so the repair is used and
	// said; the other documents gofeed reads as they are.
	tests := map[string]struct {
		doc   string
		items int
		warn  bool
	}{
		"missing </rss>":        {rssHead + items + `</item></channel>`, 2, true},
		"missing all ends":      {rssHead + items, 2, true},
		"unterminated CDATA":    {rssHead + items + `<description><![CDATA[<p>cut off`, 2, true},
		"truncated tag":         {rssHead + items + `</ite`, 2, true},
		"unclosed extension":    {rssHead + `<media:thumbnail url="https://x.example/t.png">` + items + `</item></channel></rss>`, 2, true},
		"stray end tag":         {rssHead + items + `</item></div></channel></rss>`, 2, false},
		"unclosed item element": {rssHead + `<item><guid>1</guid><title>First</title><media:content url="https://x.example/a.mp4"></item><item><guid>2</guid><title>Second</title></item></channel></rss>`, 2, false},
	}
	for name, tt := range tests {
		p, err := Parse([]byte(tt.doc), "", testFeedURL)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(p.Items) != tt.items {
			t.Errorf("%s: %d items, want %d", name, len(p.Items), tt.items)
		}
		if (len(p.Warnings) > 0) != tt.warn {
			t.Errorf("%s: warnings %q, want some: %v", name, p.Warnings, tt.warn)
		}
		for i, it := range p.Items {
			if want := []string{"First", "Second"}[i]; it.Title != want {
				t.Errorf("%s: item %d title %q", name, i, it.Title)
			}
		}
	}
	// Well-formed documents have no warnings.
	if p := parseOne(t, rssHead+items+`</item></channel></rss>`, ""); len(p.Warnings) != 0 {
		t.Errorf("warnings on a well-formed feed: %v", p.Warnings)
	}
}

func TestNeverSilentlyEmpty(t *testing.T) {
	// Items nested where no parser looks for them are counted by the
	// pre-pass: a feed whose items cannot be read is an error, not success.
	doc := `<rss version="2.0"><channel><title>T</title><item><title>a</title><link>https://x.example/a</link>` +
		`<item><title>nested</title></item></channel><item><title>b</title></item></rss>`
	p, err := Parse([]byte(doc), "", testFeedURL)
	if err == nil && len(p.Items) == 0 {
		t.Fatal("success with 0 items for a document that has items")
	}
}

func TestJSONMistypedField(t *testing.T) {
	doc := `{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://j.example/",
	"items":[
	 {"id":"1","url":"https://j.example/1","title":"One","tags":"a,b","content_text":"x"},
	 {"id":"2","url":"https://j.example/2","title":"Two","tags":["c"],"content_html":"<p>y</p>"},
	 {"id":"3","url":"https://j.example/3","title":"Three","attachments":{"url":"bad"},"date_published":"2024-01-01T00:00:00Z"}
	]}`
	p := parseOne(t, doc, "application/feed+json")
	if len(p.Items) != 3 {
		t.Fatalf("%d items, want 3", len(p.Items))
	}
	if got := p.Items[1].Categories; len(got) != 1 || got[0] != "c" {
		t.Errorf("item 2 tags = %v", got)
	}
	if !p.Items[2].Published.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("item 3 date = %v", p.Items[2].Published)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `item 1: "tags"`) || !strings.Contains(p.Warnings[0], `item 3: "attachments"`) {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

// TestDeepNestingFailsFast is issue 8's 300,000-deep item: the pre-pass
// refuses it after reading just past MaxDepth elements, before gofeed
// builds anything.
func TestDeepNestingFailsFast(t *testing.T) {
	const depth = 300_000
	var b bytes.Buffer
	b.WriteString(`<rss version="2.0"><channel><title>T</title><item><title>deep</title><description>`)
	b.WriteString(strings.Repeat("<a>", depth))
	b.WriteString(strings.Repeat("</a>", depth))
	b.WriteString(`</description></item></channel></rss>`)
	body := cleanXML(b.Bytes(), "utf-8")
	sc, err := scanXML(context.Background(), body)
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("scan error = %v, want ErrTooDeep", err)
	}
	if sc.read > 4096 {
		t.Errorf("pre-pass read %d of %d bytes; it should stop at depth %d", sc.read, len(body), MaxDepth)
	}
	if _, err := Parse(b.Bytes(), "", testFeedURL); !errors.Is(err, ErrTooDeep) || !strings.Contains(err.Error(), "deeper than 256") {
		t.Errorf("Parse error = %v", err)
	}
	// 250 levels is fine.
	ok := `<rss version="2.0"><channel><title>T</title><item><title>ok</title><description>` +
		strings.Repeat("<a>", 250) + strings.Repeat("</a>", 250) + `</description></item></channel></rss>`
	if p, err := Parse([]byte(ok), "", testFeedURL); err != nil || len(p.Items) != 1 {
		t.Errorf("250 levels: %v", err)
	}
}

func TestParseStopsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	body := []byte(rssHead + `<item><guid>1</guid><title>a</title></item></channel></rss>`)
	if _, err := parse(ctx, body, "", testFeedURL, time.Time{}); !errors.Is(err, context.Canceled) {
		t.Errorf("parse with a done context: %v, want context.Canceled", err)
	}
}

func TestScanBoundsRepairs(t *testing.T) {
	doc := rssHead + strings.Repeat("</stray>", 5000) + `<item><guid>1</guid><title>a</title></item></channel></rss>`
	sc, err := scanXML(context.Background(), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if sc.repaired != nil || len(sc.problems) > 4 {
		t.Errorf("repaired %d bytes, %d problems; want no repair and a bounded report", len(sc.repaired), len(sc.problems))
	}
}
