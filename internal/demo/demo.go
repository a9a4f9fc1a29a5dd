// Package demo is a small newsroom on loopback for the browser tests and
// the screenshot program: feeds with dated, illustrated items, a listing
// page, an upstream that fails and a newsletter gone quiet. Nothing in it
// reaches beyond 127.0.0.1, and its dates follow the clock it is given, so
// pages read "3 hours ago" whenever they are made.
package demo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HostileTitle is an item title that would run script if a page failed to
// escape it: pages must show it as text.
const HostileTitle = `<img src=x onerror="document.title='pwned';window.pwned=1">`

// LongTitle has a word longer than any phone is wide.
var LongTitle = "Council publishes " + strings.Repeat("Super", 14) + "Report on harbour dredging"

// Article is one item of the wire feed.
type Article struct {
	Slug, Title, Author, Summary string
	Age                          time.Duration // how long before now it was published
	Hue                          int           // of its picture; negative: none
}

// Wire is the wire feed's items, newest first.
var Wire = []Article{
	{"summit", "Summit opens in Geneva with a call for calm", "Anna Berg",
		"Delegates from forty countries arrived for three days of talks on trade, energy and the harbour treaty.", 3 * time.Hour, 205},
	{"hostile", HostileTitle, "", "A title from an upstream that tries to inject markup; it must read as plain text.", 5 * time.Hour, -1},
	{"ferry", "Night ferry returns after a winter in dry dock", "Ren Qi",
		"The 23:40 crossing resumes on Monday with a refitted deck and quieter engines.", 26 * time.Hour, 150},
	{"long", LongTitle, "Harbour desk", "A very long title, to show that nothing breaks the layout.", 50 * time.Hour, 30},
	{"library", "Central library reopens its reading room", "Mo Adeyemi",
		"After eighteen months of work the reading room opens with longer evening hours.", 80 * time.Hour, 280},
}

// Upstream serves the newsroom:
//
//	/wire.xml         RSS 2.0 of Wire
//	/city/            an HTML listing for an html source
//	/down.xml         503, always
//	/letters.xml      a valid feed without items
//	/articles/{slug}  each article's page
//	/img/{hue}.png    a generated picture
type Upstream struct {
	URL string
	// start dates every item: fixed, so a refetch finds nothing changed.
	start time.Time
	srv   *http.Server
	ln    net.Listener
}

// Start serves the newsroom on a loopback port; items are dated back from
// now() at the start.
func Start(now func() time.Time) (*Upstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo upstream: %w", err)
	}
	u := &Upstream{URL: "http://" + ln.Addr().String(), start: now(), ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("/wire.xml", u.wire)
	mux.HandleFunc("/city/", u.city)
	mux.HandleFunc("/down.xml", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream maintenance", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/letters.xml", u.letters)
	mux.HandleFunc("/articles/", u.article)
	mux.HandleFunc("/img/", picture)
	u.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = u.srv.Serve(ln) }()
	return u, nil
}

// Close stops the server.
func (u *Upstream) Close() error { return u.srv.Close() }

// ArticleURL is where item slug links.
func (u *Upstream) ArticleURL(slug string) string { return u.URL + "/articles/" + slug }

func (u *Upstream) wire(w http.ResponseWriter, _ *http.Request) {
	now := u.start
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Harbour Wire</title><link>` + u.URL + `/</link><description>The wire</description>
`)
	for _, a := range Wire {
		b.WriteString("<item><title>" + esc(a.Title) + "</title>")
		b.WriteString("<link>" + esc(u.ArticleURL(a.Slug)) + "</link><guid>" + esc(u.ArticleURL(a.Slug)) + "</guid>")
		b.WriteString("<pubDate>" + now.Add(-a.Age).UTC().Format(time.RFC1123Z) + "</pubDate>")
		if a.Author != "" {
			b.WriteString("<dc:creator>" + esc(a.Author) + "</dc:creator>")
		}
		desc := "<p>" + html.EscapeString(a.Summary) + "</p>"
		if a.Hue >= 0 {
			desc = fmt.Sprintf(`<p><img src="%s/img/%d.png" alt=""></p>`, u.URL, a.Hue) + desc
		}
		b.WriteString("<description>" + esc(desc) + "</description></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func (u *Upstream) city(w http.ResponseWriter, _ *http.Request) {
	now := u.start
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><title>City hall</title><ul class="news">
<li><a href="/articles/budget">Budget hearing moves to the town hall</a><time datetime="%s">today</time><p>Seats are limited; doors open at six.</p></li>
<li><a href="/articles/trees">Two hundred trees for the riverside</a><time datetime="%s">yesterday</time><p>Planting starts in spring.</p></li>
</ul></html>`, now.Add(-2*time.Hour).UTC().Format(time.RFC3339), now.Add(-30*time.Hour).UTC().Format(time.RFC3339))
}

func (u *Upstream) letters(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Letters</title><link>` +
		u.URL + `/</link><description>A newsletter gone quiet</description></channel></rss>`))
}

func (u *Upstream) article(w http.ResponseWriter, r *http.Request) {
	slug := strings.TrimPrefix(r.URL.Path, "/articles/")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><title>article %s</title><h1>Article %s</h1></html>`,
		html.EscapeString(slug), html.EscapeString(slug))
}

// picture draws a 480x360 gradient of the hue in the path, so pages show
// pictures without fetching any from elsewhere.
func picture(w http.ResponseWriter, r *http.Request) {
	hue, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/img/"), ".png"))
	if err != nil || hue < 0 || hue > 360 {
		http.NotFound(w, r)
		return
	}
	const wd, ht = 480, 360
	img := image.NewRGBA(image.Rect(0, 0, wd, ht))
	for y := range ht {
		for x := range wd {
			l := 0.35 + 0.35*float64(x+y)/float64(wd+ht)
			img.Set(x, y, hsl(float64(hue), 0.55, l))
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(buf.Bytes())
}

// hsl converts a colour from hue (degrees), saturation and lightness.
func hsl(h, s, l float64) color.RGBA {
	c := (1 - abs(2*l-1)) * s
	hp := h / 60
	x := c * (1 - abs(mod2(hp)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g = c, x
	case hp < 2:
		r, g = x, c
	case hp < 3:
		g, b = c, x
	case hp < 4:
		g, b = x, c
	case hp < 5:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	return color.RGBA{uint8((r + m) * 255), uint8((g + m) * 255), uint8((b + m) * 255), 255}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func mod2(f float64) float64 {
	for f >= 2 {
		f -= 2
	}
	return f
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Config is a tributary configuration for the newsroom at upstreamURL,
// with the store in dir, listening on listen with base_url base, and the
// admin routes open to token (none when empty).
func Config(dir, listen, base, token, upstreamURL string) string {
	return fmt.Sprintf(`server:
  listen: %q
  base_url: %q
  admin_token: %q
storage:
  driver: sqlite
  dsn: %q
fetch:
  schedule: "@every 1h"
  timeout: 10s
  run_on_start: true
sources:
  - name: harbour-wire
    url: %s/wire.xml
    expect: 48h
  - name: city-hall
    kind: html
    url: %s/city/
    select: {item: "ul.news li", title: "a", link: "a@href", date: "time", summary: "p"}
  - name: port-authority-notices-and-tide-tables-for-the-inner-harbour
    url: %s/down.xml
  - name: letters
    url: %s/letters.xml
    expect: 24h
feeds:
  - slug: harbour
    title: "Harbour & city"
    description: "Wire stories and city hall notices, merged, newest first"
    sources: [harbour-wire, city-hall, letters]
  - slug: wire
    title: "Harbour Wire"
    sources: [harbour-wire]
`, listen, base, token, dir+"/tributary.db", upstreamURL, upstreamURL, upstreamURL, upstreamURL)
}
