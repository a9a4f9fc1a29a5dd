package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
)

// reloadFixture is a daemon over wire and atom, with one feed of both, and
// the config text of each step of the reload story.
type reloadFixture struct {
	up   *upstream
	dir  string
	path string
	m    *Main
	logs *syncBuffer
}

const (
	wireAndAtom = `  - {name: wire, url: {{UP}}/rss2.xml, tags: [all]}
  - {name: atom, url: {{UP}}/atom.xml, tags: [all]}
`
	feedAll = `  - slug: all
    title: Everything
    sources: ["tag:all"]
`
	feedExtra = `  - slug: extra
    title: Extra
    sources: [json]
`
	jsonSource = "  - {name: json, url: {{UP}}/feed.json}\n"
)

func newReloadFixture(t *testing.T) *reloadFixture {
	t.Helper()
	f := &reloadFixture{up: newUpstream(t), dir: t.TempDir()}
	f.path = filepath.Join(f.dir, "config.yaml")
	f.write(t, wireAndAtom, feedAll)
	logger, logs := debugLogger()
	f.logs = logs
	f.m = open(t, &Main{ConfigPath: f.path, Logger: logger})
	waitFetched(t, f.m.URL(), "wire", "atom")
	return f
}

// write writes a config with these sources and feeds and returns its text.
func (f *reloadFixture) write(t *testing.T, sources, feeds string) string {
	t.Helper()
	text := daemonConfig(f.dir, e2eToken, strings.ReplaceAll(sources, "{{UP}}", f.up.srv.URL), feeds)
	writeFile(t, f.path, text)
	return text
}

func TestReload(t *testing.T) {
	f := newReloadFixture(t)
	base := f.m.URL()
	ctx := context.Background()

	t.Run("add a source and a feed", func(t *testing.T) {
		f.write(t, wireAndAtom+jsonSource, feedAll+feedExtra)
		f.m.Reload(ctx)
		if got := reloads(t, base, "ok"); got != 1 {
			t.Errorf(`reloads{outcome="ok"} = %v, want 1`, got)
		}
		if resp, _ := get(t, base+"/feeds/extra.atom"); resp.StatusCode != http.StatusOK {
			t.Fatalf("new feed: status %d, want 200", resp.StatusCode)
		}
		if names := status(t, base).sourceNames(); !slices.Equal(names, []string{"wire", "atom", "json"}) {
			t.Errorf("status sources = %v, want [wire atom json]", names)
		}
		// A source added by a reload is fetched now, as at start, not a
		// whole schedule period later.
		waitFor(t, "the new feed to carry the new source's item", func() bool {
			_, body := get(t, base+"/feeds/extra.atom")
			return strings.Contains(string(body), "JSON item")
		})
	})

	t.Run("invalid config keeps the running one", func(t *testing.T) {
		text := f.write(t, wireAndAtom+jsonSource, feedAll+feedExtra+"    titel: typo\n")
		line := lineOf(t, text, "titel:")
		before := reloads(t, base, "error")
		f.m.Reload(ctx)
		if got := reloads(t, base, "error"); got != before+1 {
			t.Errorf(`reloads{outcome="error"} = %v, want %v`, got, before+1)
		}
		want := "config.yaml:" + strconv.Itoa(line) + ":"
		if logs := f.logs.String(); !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
		if resp, _ := get(t, base+"/feeds/extra.atom"); resp.StatusCode != http.StatusOK {
			t.Errorf("feed of the running config: status %d, want 200", resp.StatusCode)
		}
		if n := len(status(t, base).Sources); n != 3 {
			t.Errorf("status lists %d sources, want the running 3", n)
		}
	})

	t.Run("removed source", func(t *testing.T) {
		f.write(t, "  - {name: wire, url: {{UP}}/rss2.xml, tags: [all]}\n"+jsonSource, feedAll+feedExtra)
		f.m.Reload(ctx)
		if names := status(t, base).sourceNames(); !slices.Equal(names, []string{"wire", "json"}) {
			t.Errorf("status sources = %v, want [wire json]", names)
		}
		atomHits, wireHits := f.up.count(f.up.hits, "/atom.xml"), f.up.count(f.up.hits, "/rss2.xml")
		auth := []string{"Authorization", "Bearer " + e2eToken}
		if resp, _ := do(t, http.MethodPost, base+"/admin/sources/atom/refresh", auth...); resp.StatusCode != http.StatusNotFound {
			t.Errorf("refresh of a removed source: status %d, want 404", resp.StatusCode)
		}
		if resp, _ := do(t, http.MethodPost, base+"/admin/sources/wire/refresh", auth...); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("refresh wire: status %d, want 202", resp.StatusCode)
		}
		waitFor(t, "wire fetched again", func() bool { return f.up.count(f.up.hits, "/rss2.xml") > wireHits })
		if got := f.up.count(f.up.hits, "/atom.xml"); got != atomHits {
			t.Errorf("removed source fetched: %d hits, want %d", got, atomHits)
		}
		// Removing a source from the config deletes nothing stored.
		counts, err := f.m.store.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["atom"] == 0 {
			t.Errorf("stored items of the removed source are gone: %v", counts)
		}
		// Its metric series go, so dashboards do not show it frozen.
		fams := scrape(t, base)
		if v, ok := value(fams, "tributary_fetches_total", map[string]string{"source": "atom"}); ok {
			t.Errorf("tributary_fetches_total{source=atom} = %v after its removal, want no series", v)
		}
		if _, ok := value(fams, "tributary_fetches_total", map[string]string{"source": "wire"}); !ok {
			t.Error("tributary_fetches_total{source=wire} is gone, but wire is still configured")
		}
	})

	t.Run("changed schedule", func(t *testing.T) {
		const spec = "0 0 1 1 *" // midnight on New Year's Day: far and exact
		before := time.Now()
		f.write(t, "  - {name: wire, url: {{UP}}/rss2.xml, tags: [all], schedule: \""+spec+"\"}\n"+jsonSource, feedAll+feedExtra)
		f.m.Reload(ctx)
		after := time.Now()
		sched, err := config.ParseSchedule(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range status(t, base).Sources {
			switch s.Name {
			case "wire":
				if s.Schedule != spec {
					t.Errorf("wire schedule = %q, want %q", s.Schedule, spec)
				}
				if s.NextRun == nil || !(s.NextRun.Equal(sched.Next(before)) || s.NextRun.Equal(sched.Next(after))) {
					t.Errorf("wire next_run = %v, want %v", s.NextRun, sched.Next(before))
				}
			case "json":
				if s.Schedule != "@every 1h" {
					t.Errorf("json schedule = %q, want the default @every 1h", s.Schedule)
				}
			}
		}
	})
}

// TestReloadOnFileChange drives the watch that serve runs: saving the file
// reloads it.
func TestReloadOnFileChange(t *testing.T) {
	f := newReloadFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.m.AutoReload(ctx, nil, 10*time.Millisecond)
	}()
	base := f.m.URL()
	// The watch may not be in place yet: save again until it sees a save.
	waitFor(t, "a saved config to be reloaded", func() bool {
		f.write(t, wireAndAtom+jsonSource, feedAll+feedExtra)
		time.Sleep(20 * time.Millisecond)
		resp, _ := get(t, base+"/feeds/extra.atom")
		return resp.StatusCode == http.StatusOK
	})
	cancel()
	<-done // AutoReload returns once its context is done
}

// TestReloadOnSIGHUP sends on the channel serve feeds SIGHUP into; the file
// watch is too slow to be the one that reloads.
func TestReloadOnSIGHUP(t *testing.T) {
	f := newReloadFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.m.AutoReload(ctx, hup, time.Hour)
	}()
	f.write(t, wireAndAtom+jsonSource, feedAll+feedExtra)
	hup <- syscall.SIGHUP
	hup <- syscall.SIGHUP // returns once the first reload is done
	if resp, _ := get(t, f.m.URL()+"/feeds/extra.atom"); resp.StatusCode != http.StatusOK {
		t.Errorf("after SIGHUP: new feed status %d, want 200", resp.StatusCode)
	}
	cancel()
	<-done
}
