package feeds

import (
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

var fixtureTime = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

// fixtureMeta is the feed the golden files are rendered for.
func fixtureMeta(f Format) Meta {
	return Meta{
		Title:       "World & more <news>",
		Description: "Wire and embassy news, merged",
		SiteURL:     "http://127.0.0.1:8080/",
		FeedURL:     "http://127.0.0.1:8080/feeds/world." + f.String(),
		ID:          "http://127.0.0.1:8080/feeds/world",
		Now:         fixtureTime.Add(24 * time.Hour),
	}
}

// fixtureItems is a hostile, varied item set for the golden files.
func fixtureItems() []sources.Item {
	return []sources.Item{
		{
			Source: "world-wire", ID: "https://example.org/news/summit", Link: "https://example.org/news/summit",
			Title:      `Leaders meet at "summit" <b>not bold</b> & talk`,
			Summary:    `<p onclick="steal()">Leaders <a href="javascript:alert(1)">met</a> in <a href="/city">the city</a>.</p><script>alert("x")</script>`,
			Content:    `<div><style>p{color:red}</style><p>Full <strong>story</strong> with <img src="img/photo.jpg" alt="photo" onerror="x()"> and <iframe src="https://evil.example/"></iframe></p><p></p><span> </span><figure><img src="//cdn.example.org/a.png"><figcaption>Caption</figcaption></figure><form action="/x"><input name="q"></form><a href="other.html#frag">more</a></div>`,
			Authors:    []sources.Author{{Name: "Ada Lovelace", Email: "ada@example.org"}, {Name: "Bob"}},
			Categories: []string{"world", "security"},
			Published:  fixtureTime,
			Updated:    fixtureTime.Add(2 * time.Hour),
			Image:      "/images/summit.jpg",
			Enclosures: []sources.Enclosure{{URL: "https://example.org/audio.mp3", Type: "audio/mpeg", Length: 123456}},
		},
		{
			Source: "embassy-news", ID: "embassy-42", Link: "https://embassy.example/news/42/?utm_source=x&id=42",
			Title:     "Unicode: café — 東京 \x01\x0b bell\x07 and \uFFFE end",
			Summary:   "Plain summary with control \x00 char and <not a tag & ampersand",
			Authors:   []sources.Author{{Name: "Consular Office"}},
			Published: fixtureTime.Add(-time.Hour),
		},
		{
			Source: "newsroom", ID: "newsroom-undated", Link: "",
			Title:     "Undated note",
			Content:   `<p>Relative <a href="/about">about</a> and <a href="mailto:desk@example.org">mail</a> and <img src="data:image/png;base64,AAAA"></p><p><a href="vbscript:x">bad</a></p>`,
			FirstSeen: fixtureTime.Add(-3 * time.Hour),
		},
		{
			Source: "newsroom", ID: "bare", Title: "Bare item, no link no body", FirstSeen: fixtureTime.Add(-4 * time.Hour),
		},
		{
			Source: "world-wire", ID: "tag:example.org,2024:cdata", Link: "https://example.org/cdata",
			Title:     "CDATA ]]> breaker",
			Content:   `<p>Text with ]]&gt; inside and <code>a &lt; b</code></p>`,
			Authors:   []sources.Author{{Email: "only@example.org"}},
			Published: fixtureTime.Add(-5 * time.Hour),
		},
	}
}
