// Command browser measures render: browser over many pages: the time per
// page and the headless browser's resident memory, which must not grow
// with the number of pages rendered (every tab is closed). It serves a
// JavaScript listing on loopback and renders it -n times, -c at once,
// printing one line every -every pages.
//
//	go run ./bench/browser -n 300 -c 4
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributaryfeeds/tributary/sources/browser"
)

const page = `<!DOCTYPE html><html><head><title>Listing</title></head><body>
<ul id="news"></ul>
<script>
setTimeout(function () {
  var ul = document.getElementById("news");
  for (var i = 0; i < 50; i++) {
    var li = document.createElement("li");
    li.innerHTML = '<a href="/n/' + i + '">Story ' + i + '</a><p>' + "words ".repeat(40) + '</p>';
    ul.appendChild(li);
  }
}, 50);
</script></body></html>`

func main() {
	n := flag.Int("n", 300, "pages to render")
	c := flag.Int("c", 4, "pages at once (the tab bound)")
	every := flag.Int("every", 50, "print a line every this many pages")
	flag.Parse()
	if err := run(*n, *c, *every); err != nil {
		fmt.Fprintln(os.Stderr, "bench/browser:", err)
		os.Exit(1)
	}
}

func run(n, conc, every int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"

	b := browser.New(browser.Options{Tabs: conc})
	defer b.Close()
	fmt.Printf("%d pages, %d at once, %d cores\n", n, conc, runtime.NumCPU())
	fmt.Printf("%8s %10s %10s %12s %12s %14s\n", "pages", "p50 ms", "p95 ms", "open tabs", "processes", "browser PSS")
	var (
		mu    sync.Mutex
		times []time.Duration
		done  int
		errs  int
	)
	work := make(chan struct{})
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for range work {
				start := time.Now()
				_, err := b.Render(context.Background(), browser.Page{URL: url, WaitFor: "#news li", Timeout: 20 * time.Second})
				mu.Lock()
				times = append(times, time.Since(start))
				done++
				if err != nil {
					errs++
					fmt.Fprintln(os.Stderr, "render:", err)
				}
				mu.Unlock()
			}
		})
	}
	for i := 1; i <= n; i++ {
		work <- struct{}{}
		if i%every == 0 || i == n {
			// Let the batch finish so the sample sees no tab in flight.
			for {
				mu.Lock()
				d := done
				mu.Unlock()
				if d == i {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			mu.Lock()
			p50, p95 := pct(times, 50), pct(times, 95)
			times = times[:0]
			mu.Unlock()
			tabs, _ := b.OpenTabs()
			procs, rss := tree(b.PID())
			fmt.Printf("%8d %10.0f %10.0f %12d %12d %11.1f MiB\n", i, ms(p50), ms(p95), tabs, procs, float64(rss)/(1<<20))
		}
	}
	close(work)
	wg.Wait()
	if errs > 0 {
		return fmt.Errorf("%d renders failed", errs)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// tree returns the number of processes in the tree under pid and the sum
// of their proportional set size (Pss: each shared page divided among the
// processes that map it), read from /proc: the memory the browser costs.
func tree(pid int) (procs int, rss int64) {
	if pid == 0 {
		return 0, 0
	}
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name, in parentheses, may contain spaces.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		f := strings.Fields(rest)
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			parent[p] = pp
		}
	}
	in := func(p int) bool {
		for i := 0; i < 64 && p > 1; i++ {
			if p == pid {
				return true
			}
			p = parent[p]
		}
		return false
	}
	for p := range parent {
		if !in(p) {
			continue
		}
		procs++
		rollup, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "smaps_rollup"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(rollup), "\n") {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				rss += kb << 10
			}
		}
	}
	return procs, rss
}
