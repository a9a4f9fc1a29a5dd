package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// childEnv marks a re-executed test binary that runs the daemon instead of
// the tests: end-to-end tests that need real processes (SIGKILL) start the
// daemon this way, with no separate build.
const childEnv = "TRIBUTARY_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// child is the daemon running in a re-executed test binary.
type child struct {
	cmd  *exec.Cmd
	logs string // path of its stderr
	done chan struct{}
}

func startChild(t *testing.T, dir, name string, args ...string) *child {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("%s log:\n%s", name, b)
		}
	})
	return c
}

// fetchLog records which replica fetched which source, in order.
type fetchLog struct {
	mu      sync.Mutex
	entries []fetchEntry
}

type fetchEntry struct{ source, replica string }

func (l *fetchLog) add(source, replica string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fetchEntry{source, replica})
}

func (l *fetchLog) snapshot() []fetchEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]fetchEntry(nil), l.entries...)
}

// TestFailoverAfterSIGKILL runs three daemons as separate processes on one
// PostgreSQL store, with every source due each second, and kills one with
// SIGKILL. Its claims end with its database session, so every source it was
// fetching is fetched by a survivor on the next tick (before a source that
// a survivor fetches has come round twice more), while every other source
// stays with the replica that had it: each source is fetched by one
// replica per tick.
func TestFailoverAfterSIGKILL(t *testing.T) {
	dsn := postgresSchema(t)
	const nSources = 6
	log := &fetchLog{}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src := strings.TrimPrefix(r.URL.Path, "/")
		log.add(src, r.Header.Get("User-Agent"))
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%s</title><link>https://up.example/</link><description>d</description>`+
			`<item><title>Story of %s</title><link>https://up.example/%s/1</link><guid>%s-1</guid></item></channel></rss>`, src, src, src, src)
	}))
	t.Cleanup(up.Close)

	dir := t.TempDir()
	var srcs strings.Builder
	for i := range nSources {
		fmt.Fprintf(&srcs, "  - {name: s%d, url: %q}\n", i, fmt.Sprintf("%s/s%d", up.URL, i))
	}
	replicas := []string{"replica-a", "replica-b", "replica-c"}
	children := map[string]*child{}
	for _, name := range replicas {
		cfg := fmt.Sprintf(`server:
  listen: "127.0.0.1:0"
storage:
  driver: postgres
  dsn: %q
fetch:
  schedule: "@every 1s"
  timeout: 5s
  user_agent: %s
  allow_private: true
  run_on_start: true
sources:
%s  - {name: tick-%s, url: "%s/tick-%s"}
feeds:
  - {slug: all, title: All, sources: [%s]}
`, dsn, name, srcs.String(), name, up.URL, name, strings.Join(sourceNames(nSources), ", "))
		path := filepath.Join(dir, name+".yaml")
		writeFile(t, path, cfg)
		children[name] = startChild(t, dir, name, "serve", "-config", path, "-log-level", "warn")
	}

	// Wait until every source has been fetched twice: the claims have
	// settled.
	owners := map[string]string{}
	waitFor(t, "every source fetched twice", func() bool {
		count := map[string]int{}
		for _, e := range log.snapshot() {
			count[e.source]++
		}
		for _, s := range sourceNames(nSources) {
			if count[s] < 2 {
				return false
			}
		}
		return true
	})
	before := log.snapshot()
	for _, e := range before {
		owners[e.source] = e.replica // the latest fetcher of each source
	}
	victim := owners["s0"]
	var orphans []string
	for _, s := range sourceNames(nSources) {
		if owners[s] == victim {
			orphans = append(orphans, s)
		}
	}
	// Each replica alone has a source of its own: the survivors' count
	// the ticks.
	var clocks []string
	for _, name := range replicas {
		if name != victim {
			clocks = append(clocks, "tick-"+name)
		}
	}

	c := children[victim]
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.done
	// Fetches already in flight when the victim died may still be logged
	// as the victim's: count from the first entry after the kill that is
	// not the victim's.
	mark := len(log.snapshot())

	waitFor(t, "every orphaned source fetched by a survivor", func() bool {
		after := log.snapshot()[mark:]
		took := map[string]bool{}
		ticks := map[string]int{} // fetches of survivors' own sources
		for _, e := range after {
			switch {
			case e.replica == victim:
			case owners[e.source] == victim:
				took[e.source] = true
			default:
				ticks[e.source]++
			}
		}
		for _, s := range clocks {
			if ticks[s] >= 3 {
				t.Fatalf("source %s came round %d times after the kill while orphans were taken over: %v", s, ticks[s], took)
			}
		}
		for _, s := range orphans {
			if !took[s] {
				return false
			}
		}
		return true
	})

	// Every source has had one fetcher since the start, but for the one
	// hand-over of each orphan: a survivor never took a source from a
	// live replica, and no source is fetched by two replicas.
	final := log.snapshot()
	handovers := map[string]int{}
	last := map[string]string{}
	for _, e := range final {
		if prev, ok := last[e.source]; ok && prev != e.replica {
			handovers[e.source]++
		}
		last[e.source] = e.replica
	}
	for _, s := range sourceNames(nSources) {
		want := 0
		if owners[s] == victim {
			want = 1
		}
		if handovers[s] != want {
			t.Errorf("source %s changed hands %d times, want %d (log %v)", s, handovers[s], want, final)
		}
	}
}

func sourceNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%d", i)
	}
	return out
}
