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
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	sources := flag.Int("sources", 1000, "number of feeds")
	items := flag.Int("items", 100, "items per feed")
	grow := flag.Duration("grow", 0, "with a value, every feed publishes one more item per this interval (bench/load)")
	growFor := flag.Duration("grow-for", 0, "stop growing after this long (0: never)")
	window := flag.Int("window", 0, "with -grow: a feed lists only its newest window items (0: all)")
	lazy := flag.Bool("lazy", false, "generate each body per request instead of keeping them all in memory (tens of thousands of feeds)")
	flag.Parse()

	// Growth starts with POST /start, once the reader has fetched every
	// feed: an item published and scrolled out of the window before the
	// first fetch was never the reader's to lose.
	var started atomic.Pointer[time.Time]
	// published is how many items feed n has published by now; growing
	// feeds are generated per request, static ones once.
	published := func() int {
		start := started.Load()
		if *grow <= 0 || start == nil {
			return *items
		}
		d := time.Since(*start)
		if *growFor > 0 && d > *growFor {
			d = *growFor
		}
		return *items + int(d / *grow)
	}
	var bodies [][]byte
	if *grow <= 0 && !*lazy {
		bodies = make([][]byte, *sources)
		for i := range bodies {
			bodies[i] = generate(i, 0, *items)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{file}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".rss"))
		if err != nil || n < 0 || n >= *sources {
			http.NotFound(w, r)
			return
		}
		total := published()
		etag := fmt.Sprintf(`"%d-%d"`, n, total)
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		if bodies != nil {
			w.Write(bodies[n])
			return
		}
		lo := 0
		if *window > 0 {
			lo = max(0, total-*window)
		}
		w.Write(generate(n, lo, total))
	})
	mux.HandleFunc("POST /start", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		started.CompareAndSwap(nil, &now)
	})
	// How many items each feed has published, for bench/load's check that
	// none was lost.
	mux.HandleFunc("GET /published", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d\n", published())
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("serving %d feeds of %d items on %s (grow %v)", *sources, *items, *addr, *grow)
	log.Fatal(srv.ListenAndServe())
}

// generate writes feed n with its items [lo, hi): a few hundred bytes of
// HTML each, dated one minute apart so merged feeds interleave sources.
func generate(n, lo, hi int) []byte {
	var b bytes.Buffer
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bench feed %d</title><link>http://bench.example/%d/</link><description>generated</description>
`, n, n)
	for i := lo; i < hi; i++ {
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
