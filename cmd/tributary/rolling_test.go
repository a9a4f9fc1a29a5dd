package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// findNginx returns the nginx binary, or skips the test when there is none
// outside CI (CI installs it, so there a missing nginx fails).
func findNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx not found; CI must install nginx-light")
	}
	t.Skip("nginx not found: apt-get install nginx-light to run the balancer test")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startNginx runs nginx in the foreground as a balancer in front of the
// upstream addresses, with its own prefix, config and temp directories, and
// returns its address.
func startNginx(t *testing.T, bin string, upstreams []string) string {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	var servers strings.Builder
	for _, u := range upstreams {
		// max_fails=0: a replica that refused a connection while it
		// restarted is tried again at once, not shunned for 10 s.
		fmt.Fprintf(&servers, "    server %s max_fails=0;\n", u)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers must reach the temporary prefix
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  upstream replicas {
%[3]s    keepalive 16;
  }
  server {
    listen 127.0.0.1:%[4]d;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_503;
    }
  }
}
`, user, dir, servers.String(), port)
	path := filepath.Join(dir, "nginx.conf")
	writeFile(t, path, conf)
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM, not SIGKILL: the master stops its workers.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx error.log:\n%s", b)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitFor(t, "nginx listening", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "http://" + addr
}

// TestRollingRestartBehindNginx restarts three replicas one after another
// behind nginx while clients poll a feed with conditional GETs: no request
// fails, neither with a 5xx nor a connection error. A replica going down
// turns /readyz 503 first, then stops accepting and finishes the requests
// it has (Close is what SIGTERM runs).
func TestRollingRestartBehindNginx(t *testing.T) {
	bin := findNginx(t)
	dir := t.TempDir()
	articles, err := filepath.Abs("testdata/articles")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	// One SQLite store for the three: they agree on every validator, so a
	// conditional GET is answered 304 by whichever replica nginx picks.
	writeFile(t, path, daemonConfig(dir, "",
		fmt.Sprintf("  - {name: desk, kind: files, path: %q}\n", articles),
		"  - {slug: news, title: News, sources: [desk]}\n"))
	replicas := make([]*Main, 3)
	addrs := make([]string, 3)
	for i := range replicas {
		replicas[i] = &Main{ConfigPath: path, DrainDelay: 50 * time.Millisecond, Addr: "127.0.0.1:0"}
		if err := replicas[i].Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		addrs[i] = replicas[i].listener.Addr().String()
		if i == 0 {
			// The others start on the stored items, so all three read
			// the same versions (SQLite tells no other process of a
			// change; PostgreSQL would).
			waitFetched(t, replicas[0].URL(), "desk")
		}
	}
	t.Cleanup(func() {
		for _, m := range replicas {
			_ = m.Close()
		}
	})
	// The first replica applies its own fetch after the debounce: wait
	// until the three give the feed one ETag.
	waitFor(t, "the replicas agreeing on the feed's ETag", func() bool {
		tags := map[string]bool{}
		for _, a := range addrs {
			resp, err := http.Head("http://" + a + "/feeds/news.atom")
			if err != nil {
				return false
			}
			resp.Body.Close()
			tags[resp.Header.Get("ETag")] = true
		}
		return len(tags) == 1
	})
	base := startNginx(t, bin, addrs)
	feed := base + "/feeds/news.atom"
	waitFor(t, "the feed through nginx", func() bool {
		resp, err := http.Get(feed)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	var (
		stop              atomic.Bool
		wg                sync.WaitGroup
		ok, notMod, total atomic.Int64
		failMu            sync.Mutex
		failures          []string
	)
	fail := func(s string) {
		failMu.Lock()
		defer failMu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, s)
		}
	}
	for range 4 {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			etag := ""
			for !stop.Load() {
				req, _ := http.NewRequest(http.MethodGet, feed, nil)
				if etag != "" {
					req.Header.Set("If-None-Match", etag)
				}
				resp, err := client.Do(req)
				total.Add(1)
				if err != nil {
					fail(err.Error())
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case err != nil:
					fail("reading the body: " + err.Error())
				case resp.StatusCode == http.StatusOK:
					ok.Add(1)
					etag = resp.Header.Get("ETag")
				case resp.StatusCode == http.StatusNotModified:
					notMod.Add(1)
				default:
					fail(fmt.Sprintf("status %d", resp.StatusCode))
				}
			}
		})
	}

	for i, m := range replicas {
		before := total.Load()
		waitFor(t, "requests flowing", func() bool { return total.Load() >= before+20 })
		if err := m.Close(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("close replica %d: %v", i, err)
		}
		next := &Main{ConfigPath: path, DrainDelay: 50 * time.Millisecond, Addr: addrs[i]}
		if err := next.Open(context.Background()); err != nil {
			t.Fatalf("restart replica %d: %v", i, err)
		}
		replicas[i] = next
		waitFor(t, "the restarted replica ready", func() bool {
			resp, err := http.Get("http://" + addrs[i] + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
	before := total.Load()
	waitFor(t, "requests after the last restart", func() bool { return total.Load() >= before+20 })
	stop.Store(true)
	wg.Wait()

	failMu.Lock()
	defer failMu.Unlock()
	t.Logf("%d requests: %d 200s, %d 304s", total.Load(), ok.Load(), notMod.Load())
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed during the rolling restart, e.g. %v", len(failures), total.Load(), failures)
	}
	if notMod.Load() == 0 || ok.Load() == 0 {
		t.Errorf("%d 200s and %d 304s: the clients did not poll conditionally", ok.Load(), notMod.Load())
	}
}

// TestCloseTurnsReadyzFirst checks the order of a shutdown: /readyz answers
// 503 while the feeds are still served, before the listener closes.
func TestCloseTurnsReadyzFirst(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "",
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: news, title: News, sources: [wire]}\n"))
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DrainDelay: time.Second}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := m.URL()
	if r, _ := get(t, base+"/readyz"); r.StatusCode != http.StatusOK {
		t.Fatalf("/readyz %d before shutdown", r.StatusCode)
	}
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	waitFor(t, "/readyz 503 during the drain", func() bool {
		r, _ := get(t, base+"/readyz")
		return r.StatusCode == http.StatusServiceUnavailable
	})
	if r, _ := get(t, base+"/feeds/news.atom"); r.StatusCode != http.StatusOK {
		t.Errorf("feed during the drain: %d, want 200", r.StatusCode)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before the drain delay", err)
	default:
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still accepting connections after Close")
	}
}
