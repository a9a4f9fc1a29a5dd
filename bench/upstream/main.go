// Command upstream serves a generated set of RSS feeds for the load script:
// /feeds/{n}.rss for n in [0, sources), each with the given number of items.
// Bodies are generated once at start and served with an ETag, like a well
// behaved origin.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	sources := flag.Int("sources", 1000, "number of feeds")
	items := flag.Int("items", 100, "items per feed")
	flag.Parse()

	bodies := make([][]byte, *sources)
	for i := range bodies {
		bodies[i] = generate(i, *items)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{file}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".rss"))
		if err != nil || n < 0 || n >= len(bodies) {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%d-%d"`, n, len(bodies[n]))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bodies[n])
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("serving %d feeds of %d items on %s", *sources, *items, *addr)
	log.Fatal(srv.ListenAndServe())
}

// generate writes feed n: items of a few hundred bytes of HTML each, dated
// one minute apart so merged feeds interleave sources.
func generate(n, items int) []byte {
	var b bytes.Buffer
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bench feed %d</title><link>http://bench.example/%d/</link><description>generated</description>
`, n, n)
	for i := 0; i < items; i++ {
		date := base.Add(time.Duration(i*1000+n) * time.Minute).Format(time.RFC1123Z)
		fmt.Fprintf(&b, `<item><title>Feed %d item %d: a headline of ordinary length</title>
<link>http://bench.example/%d/items/%d</link><guid>http://bench.example/%d/items/%d</guid><pubDate>%s</pubDate>
<description><![CDATA[<p>Paragraph one of item %d, with <a href="/x/%d">a relative link</a> and <b>markup</b>.</p><p>A second paragraph so the body is a realistic few hundred bytes long, as wire copy usually is.</p>]]></description>
<category>bench</category></item>
`, n, i, n, i, n, i, date, i, i)
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}
