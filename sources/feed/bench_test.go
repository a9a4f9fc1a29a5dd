package feed

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const benchItems = 100

func benchRSS() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench</title><link>https://bench.example.org/</link><description>d</description>`)
	for i := range benchItems {
		fmt.Fprintf(&b, `<item><title>Item %d &amp; more</title><link>/posts/%d</link><guid isPermaLink="false">id-%d</guid><pubDate>%s</pubDate><category>c%d</category><description>Summary &lt;b&gt;%d&lt;/b&gt;</description><content:encoded><![CDATA[<p>Body of item %d with <a href="/x">a link</a>.</p>]]></content:encoded></item>`,
			i, i, i, benchDate(i).Format(time.RFC1123Z), i%5, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func benchAtom() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bench</title><link href="https://bench.example.org/"/><id>urn:bench</id><updated>2024-03-01T00:00:00Z</updated>`)
	for i := range benchItems {
		fmt.Fprintf(&b, `<entry><title type="html">Item %d &lt;i&gt;x&lt;/i&gt;</title><link href="/posts/%d"/><id>urn:bench:%d</id><updated>%s</updated><author><name>A%d</name></author><summary>Summary %d</summary><content type="html">&lt;p&gt;Body %d&lt;/p&gt;</content></entry>`,
			i, i, i, benchDate(i).Format(time.RFC3339), i%3, i, i)
	}
	b.WriteString(`</feed>`)
	return []byte(b.String())
}

func benchJSON(tb testing.TB) []byte {
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		ContentHTML   string   `json:"content_html"`
		Summary       string   `json:"summary"`
		DatePublished string   `json:"date_published"`
		Tags          []string `json:"tags"`
	}
	feed := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Home    string `json:"home_page_url"`
		Items   []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: "Bench", Home: "https://bench.example.org/"}
	for i := range benchItems {
		feed.Items = append(feed.Items, item{
			ID: fmt.Sprintf("id-%d", i), URL: fmt.Sprintf("/posts/%d", i), Title: fmt.Sprintf("Item %d", i),
			ContentHTML: fmt.Sprintf("<p>Body %d</p>", i), Summary: "Summary",
			DatePublished: benchDate(i).Format(time.RFC3339), Tags: []string{"a", "b"},
		})
	}
	out, err := json.Marshal(feed)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func benchDate(i int) time.Time {
	return time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour)
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		body []byte
	}{
		{"RSS", benchRSS()},
		{"Atom", benchAtom()},
		{"JSON", benchJSON(b)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				p, err := Parse(bc.body, "", "https://bench.example.org/feed")
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Items) != benchItems {
					b.Fatalf("%d items", len(p.Items))
				}
			}
		})
	}
}

func TestBenchFixturesParse(t *testing.T) {
	for name, body := range map[string][]byte{"rss": benchRSS(), "atom": benchAtom(), "json": benchJSON(t)} {
		p, err := Parse(body, "", "https://bench.example.org/feed")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(p.Items) != benchItems || p.Items[7].Link != "https://bench.example.org/posts/7" {
			t.Errorf("%s: %d items, item 7 link %q", name, len(p.Items), p.Items[7].Link)
		}
	}
}
