// Command poller is bench/load's feed reader crowd: C concurrent clients,
// each polling one feed URL with conditional GETs (If-None-Match with the
// last ETag it saw) as fast as answers come, for a set time. It prints one
// JSON object: requests, 200s, 304s, errors (anything else, transport
// errors included, with the first few messages) and latency percentiles.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

type result struct {
	Requests   int      `json:"requests"`
	OK         int      `json:"ok_200"`
	NotMod     int      `json:"not_modified_304"`
	Errors     int      `json:"errors"`
	FirstErrs  []string `json:"first_errors,omitempty"`
	Seconds    float64  `json:"seconds"`
	RPS        float64  `json:"requests_per_second"`
	Percentile struct {
		P50, P90, P99, P999, Max string
	} `json:"latency"`
}

func main() {
	urls := flag.String("urls", "", "comma-separated feed URLs; client i polls URL i mod n")
	conns := flag.Int("c", 500, "concurrent pollers")
	dur := flag.Duration("d", 60*time.Second, "how long to poll")
	flag.Parse()
	list := strings.Split(*urls, ",")
	if *urls == "" {
		fmt.Fprintln(os.Stderr, "poller: -urls is required")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConns: *conns, MaxIdleConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var (
		mu   sync.Mutex
		res  result
		lats []time.Duration
		wg   sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(*dur)
	for i := range *conns {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			var (
				etag            string
				mine            []time.Duration
				n, ok, nm, errs int
				firstErrs       []string
			)
			fail := func(msg string) {
				errs++
				if len(firstErrs) < 5 {
					firstErrs = append(firstErrs, msg)
				}
			}
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				if etag != "" {
					req.Header.Set("If-None-Match", etag)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					n++
					fail(err.Error())
					time.Sleep(10 * time.Millisecond)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				n++
				switch {
				case err != nil:
					fail("read body: " + err.Error())
				case resp.StatusCode == http.StatusOK:
					ok++
					etag = resp.Header.Get("ETag")
				case resp.StatusCode == http.StatusNotModified:
					nm++
				default:
					fail(fmt.Sprintf("%s: status %d", url, resp.StatusCode))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Requests += n
			res.OK += ok
			res.NotMod += nm
			res.Errors += errs
			for _, e := range firstErrs {
				if len(res.FirstErrs) < 10 {
					res.FirstErrs = append(res.FirstErrs, e)
				}
			}
			lats = append(lats, mine...)
		}(list[i%len(list)])
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.RPS = float64(res.Requests) / res.Seconds
	slices.Sort(lats)
	pct := func(p float64) string {
		if len(lats) == 0 {
			return "n/a"
		}
		i := min(len(lats)-1, int(p*float64(len(lats))))
		return lats[i].Round(10 * time.Microsecond).String()
	}
	res.Percentile.P50, res.Percentile.P90, res.Percentile.P99, res.Percentile.P999 = pct(0.50), pct(0.90), pct(0.99), pct(0.999)
	res.Percentile.Max = pct(1)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(res)
}
