package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// syncBuffer is a log destination that the daemon's goroutines and the test
// may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// debugLogger logs everything, as text, into a buffer the test can read.
func debugLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// daemonConfig is a config.yaml for a daemon on a temporary directory:
// sources and feeds are YAML list entries, each line indented by two.
func daemonConfig(dir, token, sources, feeds string) string {
	return fmt.Sprintf(`server:
  listen: "127.0.0.1:0"
  base_url: "http://feeds.test"
  admin_token: %q
storage:
  driver: sqlite
  dsn: %s
fetch:
  schedule: "@every 1h"
  timeout: 30s
  run_on_start: true
sources:
%sfeeds:
%s`, token, filepath.Join(dir, "tributary.db"), sources, feeds)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineOf returns the 1-based line of the first line of text containing s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

// open starts m on port 0 and closes it when the test ends.
func open(t *testing.T, m *Main) *Main {
	t.Helper()
	m.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Open(ctx); err != nil {
		t.Fatalf("open daemon: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close daemon: %v", err)
		}
	})
	return m
}

// statusDoc is /status.json.
type statusDoc struct {
	Sources []struct {
		Name        string     `json:"name"`
		Kind        string     `json:"kind"`
		Schedule    string     `json:"schedule"`
		Items       int        `json:"items"`
		LastFetch   *time.Time `json:"last_fetch"`
		LastSuccess *time.Time `json:"last_success"`
		LastError   string     `json:"last_error"`
		NextRun     *time.Time `json:"next_run"`
	} `json:"sources"`
}

func status(t *testing.T, base string) statusDoc {
	t.Helper()
	resp, body := get(t, base+"/status.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/status.json: status %d", resp.StatusCode)
	}
	var doc statusDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode /status.json: %v\n%s", err, body)
	}
	return doc
}

// sourceNames lists the sources of /status.json in order.
func (d statusDoc) sourceNames() []string {
	names := make([]string, len(d.Sources))
	for i, s := range d.Sources {
		names[i] = s.Name
	}
	return names
}

// waitFetched waits until every named source has a successful fetch with
// items, as /status.json reports it.
func waitFetched(t *testing.T, base string, names ...string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("sources %v fetched", names), func() bool {
		done := map[string]bool{}
		for _, s := range status(t, base).Sources {
			done[s.Name] = s.LastSuccess != nil && s.Items > 0
		}
		for _, n := range names {
			if !done[n] {
				return false
			}
		}
		return true
	})
}

// scrape parses /metrics with the Prometheus text parser, as a scraper would.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, body := get(t, base+"/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: status %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams
}

// value returns the sample of family name whose labels include want, and
// whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	fam := fams[name]
	if fam == nil {
		return 0, false
	}
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Untyped != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := make(map[string]string, len(m.GetLabel()))
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// reloads returns tributary_config_reloads_total{outcome=outcome}.
func reloads(t *testing.T, base, outcome string) float64 {
	t.Helper()
	v, _ := value(scrape(t, base), "tributary_config_reloads_total", map[string]string{"outcome": outcome})
	return v
}

// get requests url with header's name, value pairs and returns the
// response and its whole body.
func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, header...)
}

// do is get with any method.
func do(t *testing.T, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A transport without automatic gzip, so the test sees what is sent.
	// No keep-alive either: each call has its own client, whose idle
	// connection would otherwise outlive it.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// waitFor polls cond until it holds, failing the test after a minute: only
// a broken daemon takes that long, but the race detector on a loaded
// 2-core CI machine makes a fetch of a few MiB take 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
