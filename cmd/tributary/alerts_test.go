package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// alertRules is the Prometheus rule file format, as much as docs/alerts.yml
// uses; unknown keys are an error.
type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

var metricName = regexp.MustCompile(`\btributary_[a-z_]+\b`)

// TestAlertRules checks docs/alerts.yml: the rule file's shape, and that
// every tributary metric an expression names is one a real daemon exports
// (the stale and last-new-item series included, from a source that
// succeeds without bringing anything).
func TestAlertRules(t *testing.T) {
	raw, err := os.ReadFile("../../docs/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules alertRules
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("docs/alerts.yml: %v", err)
	}
	if len(rules.Groups) == 0 {
		t.Fatal("no rule groups")
	}
	var alerts []string
	named := map[string]bool{}
	for _, g := range rules.Groups {
		if g.Name == "" || len(g.Rules) == 0 {
			t.Errorf("group %q: needs a name and rules", g.Name)
		}
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			if r.Alert == "" || strings.TrimSpace(r.Expr) == "" {
				t.Errorf("rule %q: needs alert and expr", r.Alert)
			}
			if strings.Count(r.Expr, "(") != strings.Count(r.Expr, ")") || strings.Count(r.Expr, "{") != strings.Count(r.Expr, "}") {
				t.Errorf("rule %s: unbalanced expression %q", r.Alert, r.Expr)
			}
			if d, err := time.ParseDuration(r.For); err != nil || d <= 0 {
				t.Errorf("rule %s: for %q is not a duration", r.Alert, r.For)
			}
			if s := r.Labels["severity"]; s != "warning" && s != "critical" {
				t.Errorf("rule %s: severity %q", r.Alert, s)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("rule %s: needs summary and description annotations", r.Alert)
			}
			for _, m := range metricName.FindAllString(r.Expr, -1) {
				named[m] = true
			}
		}
	}
	for _, want := range []string{"TributarySourceFailing", "TributarySourceStale", "TributaryNotReady"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s (have %v)", want, alerts)
		}
	}
	if len(alerts) != len(slices.Compact(slices.Sorted(slices.Values(alerts)))) {
		t.Errorf("duplicate alert names: %v", alerts)
	}

	base := staleDaemon(t)
	fams := scrape(t, base)
	for m := range named {
		if fams[m] == nil {
			t.Errorf("alerts.yml names %s, which /metrics does not export", m)
		}
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"tributary_source_stale", map[string]string{"source": "quiet"}, 1},
		{"tributary_source_stale", map[string]string{"source": "wire"}, 0},
		{"tributary_source_consecutive_failures", map[string]string{"source": "wire"}, 0},
		{"tributary_ready", nil, 1},
	} {
		if got, ok := value(fams, tc.name, tc.labels); !ok || got != tc.want {
			t.Errorf("%s%v = %v (present %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if got, ok := value(fams, "tributary_source_last_new_item_timestamp_seconds", map[string]string{"source": "wire"}); !ok ||
		time.Since(time.Unix(int64(got), 0)) > time.Hour {
		t.Errorf("last new item of wire = %v (present %v), want about now", got, ok)
	}
	if _, ok := value(fams, "tributary_source_last_new_item_timestamp_seconds", map[string]string{"source": "quiet"}); ok {
		t.Error("quiet never brought an item, yet has a last-new-item time")
	}
}

// staleDaemon runs a daemon with two sources that expect items every two
// days: "wire" brings some, "quiet" succeeds with none, and so is stale.
func staleDaemon(t *testing.T) string {
	t.Helper()
	up := newUpstream(t)
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title><link>https://quiet.example/</link><description>nothing</description></channel></rss>`))
	}))
	t.Cleanup(empty.Close)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, e2eToken,
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml, expect: 48h}\n"+
			"  - {name: quiet, url: "+empty.URL+"/feed.xml, expect: 48h}\n",
		"  - {slug: news, title: News, sources: [wire, quiet]}\n"))
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	waitFetched(t, base, "wire")
	waitFor(t, "quiet fetched", func() bool {
		for _, s := range status(t, base).Sources {
			if s.Name == "quiet" && s.LastSuccess != nil {
				return true
			}
		}
		return false
	})
	return base
}

// TestStatusStaleAndHistory: /status.json marks the stale source, and its
// page's JSON lists the fetch, as recorded in the real store.
func TestStatusStaleAndHistory(t *testing.T) {
	base := staleDaemon(t)
	resp, body := get(t, base+"/status.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status.json: %d", resp.StatusCode)
	}
	var doc struct {
		Sources []struct {
			Name   string `json:"name"`
			Health string `json:"health"`
			Stale  bool   `json:"stale"`
			Expect string `json:"expect"`
		} `json:"sources"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range doc.Sources {
		got[s.Name] = s.Health
		if s.Expect != "48h" || s.Stale != (s.Health == "stale") {
			t.Errorf("%s: expect %q, stale %v, health %s", s.Name, s.Expect, s.Stale, s.Health)
		}
	}
	if got["wire"] != "healthy" || got["quiet"] != "stale" {
		t.Errorf("health %v, want wire healthy and quiet stale", got)
	}
	resp, body = get(t, base+"/status/sources/wire.json")
	if resp.StatusCode != 200 {
		t.Fatalf("wire.json: %d", resp.StatusCode)
	}
	var page struct {
		Fetches []struct {
			Outcome    string `json:"outcome"`
			HTTPStatus int    `json:"http_status"`
			New        int    `json:"new"`
		} `json:"fetches"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Fetches) == 0 || page.Fetches[len(page.Fetches)-1].Outcome != "ok" ||
		page.Fetches[len(page.Fetches)-1].HTTPStatus != 200 || page.Fetches[len(page.Fetches)-1].New != 3 {
		t.Errorf("wire history: %s", body)
	}
	// The dashboard lists the stale source before the healthy one.
	_, html := get(t, base+"/status")
	if q, w := bytes.Index(html, []byte(`/status/sources/quiet"`)), bytes.Index(html, []byte(`/status/sources/wire"`)); q < 0 || w < 0 || q > w {
		t.Errorf("dashboard order: quiet at %d, wire at %d", q, w)
	}
}
