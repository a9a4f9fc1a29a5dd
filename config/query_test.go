package config

import (
	"os"
	"reflect"
	"testing"
	"time"
)

const queryYAML = `
fetch:
  schedule: "@every 1h"
sources:
  - name: a
    url: https://example.org/a.xml
    tags: [world, europe]
  - name: b
    url: https://example.org/b.xml
    schedule: "*/5 * * * *"
    tags: [sport]
  - name: c
    kind: files
    path: /srv/articles
    tags: [world]
feeds:
  - slug: world
    title: World
    sources: ["tag:world", a, "tag:europe"]
  - slug: mixed
    title: Mixed
    sources: [c, b]
  - slug: everything
    title: Everything
    sources: ["tag:sport", "tag:world"]
`

func TestQueries(t *testing.T) {
	c, err := Parse("q.yaml", []byte(queryYAML), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		slug string
		want []string
	}{
		{"world", []string{"a", "c"}},
		{"mixed", []string{"b", "c"}},
		{"everything", []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		f, ok := c.Feed(tt.slug)
		if !ok {
			t.Fatalf("Feed(%q) not found", tt.slug)
		}
		if got := c.FeedSources(f); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FeedSources(%s) = %v, want %v", tt.slug, got, tt.want)
		}
	}
	if _, ok := c.Feed("nope"); ok {
		t.Error("Feed(nope) found")
	}
	if _, ok := c.Source("nope"); ok {
		t.Error("Source(nope) found")
	}
	a, _ := c.Source("a")
	b, _ := c.Source("b")
	if a.Compiled.Schedule.Spec != "@every 1h" || b.Compiled.Schedule.Spec != "*/5 * * * *" {
		t.Errorf("schedules = %q, %q", a.Compiled.Schedule.Spec, b.Compiled.Schedule.Spec)
	}
	if a.Compiled.Schedule.Interval != time.Hour || b.Compiled.Schedule.Interval != 5*time.Minute {
		t.Errorf("intervals = %v, %v", a.Compiled.Schedule.Interval, b.Compiled.Schedule.Interval)
	}
	// Source returns a pointer into the config, not a copy.
	a.Keep = 7
	if c.Sources[0].Keep != 7 {
		t.Error("Source returned a copy")
	}
}

func TestSummary(t *testing.T) {
	c, err := Parse("q.yaml", []byte(queryYAML), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	c.Path = "q.yaml"
	got := c.Summary()
	const golden = "testdata/summary.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Summary:\n%s\nwant:\n%s", got, want)
	}
}
