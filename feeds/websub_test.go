package feeds

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
)

func TestRenderAdvertisesHubs(t *testing.T) {
	hubs := []string{"http://127.0.0.1:8080/websub", "https://hub.example.org/"}
	for _, tt := range []struct {
		f    Format
		want []string
	}{
		{RSS, []string{`<atom:link href="http://127.0.0.1:8080/websub" rel="hub"></atom:link>`, `<atom:link href="https://hub.example.org/" rel="hub"></atom:link>`}},
		{Atom, []string{`<link href="http://127.0.0.1:8080/websub" rel="hub"></link>`, `<link href="https://hub.example.org/" rel="hub"></link>`}},
	} {
		meta := fixtureMeta(tt.f)
		meta.Hubs = hubs
		body, err := Render(meta, fixtureItems(), tt.f)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s lacks %s", tt.f, w)
			}
		}
		validateWithTools(t, tt.f, body)
	}
	meta := fixtureMeta(JSON)
	meta.Hubs = hubs
	body, err := Render(meta, fixtureItems(), JSON)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Hubs []struct{ Type, URL string } `json:"hubs"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hubs) != 2 || doc.Hubs[0].Type != "WebSub" || doc.Hubs[0].URL != hubs[0] || doc.Hubs[1].URL != hubs[1] {
		t.Errorf("JSON Feed hubs = %+v", doc.Hubs)
	}
	// Without hubs, nothing is advertised.
	plain, _ := Render(fixtureMeta(JSON), fixtureItems(), JSON)
	if strings.Contains(string(plain), `"hubs"`) {
		t.Error("hubs advertised without any configured")
	}
}

// validateWithTools runs feedparser (RSS, Atom) and jing (Atom) on body.
func validateWithTools(t *testing.T, f Format, body []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feed."+f.String())
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	requireTool(t, "/usr/bin/python3", "-c", "import feedparser")
	out, err := exec.Command("/usr/bin/python3", "-c", `import sys, feedparser
d = feedparser.parse(sys.argv[1])
print(int(bool(d.bozo)), repr(d.get("bozo_exception")))`, path).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "0 ") {
		t.Errorf("%s with hubs: feedparser: %v %s", f, err, out)
	}
	if f == Atom {
		requireTool(t, "jing")
		if out, err := exec.Command("jing", "-c", filepath.Join("testdata", "atom.rnc"), path).CombinedOutput(); err != nil {
			t.Errorf("jing on Atom with hubs: %v\n%s", err, out)
		}
	}
}

func TestPublisherHubsAndLinkHeader(t *testing.T) {
	const tok = "0123456789abcdef"
	cfg := testConfig(
		config.Feed{Slug: "world", Title: "World", Sources: []string{"tag:world"}},
		config.Feed{Slug: "c", Title: "C", Sources: []string{"c"}, Access: &config.Access{Tokens: []string{tok}}},
	)
	cfg.Server.WebSub = config.WebSub{Builtin: true, Hubs: []string{"https://hub.example.org/"}}
	var mu sync.Mutex
	var changed []string
	st := &fakeStore{}
	st.add(item("a", "1", "https://e.org/1", time.Hour), item("c", "3", "https://e.org/3", 3*time.Hour))
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime },
		OnChange: func(slug string) { mu.Lock(); changed = append(changed, slug); mu.Unlock() }})
	if err := p.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := `<http://127.0.0.1:8080/websub>; rel="hub", <https://hub.example.org/>; rel="hub", <http://127.0.0.1:8080/feeds/world.rss>; rel="self"`
	if got := p.Get("world", RSS).Link; got != want {
		t.Errorf("Link = %q\nwant %q", got, want)
	}
	if !strings.Contains(string(p.Get("world", Atom).Body), `rel="hub"`) {
		t.Error("public Atom without hub links")
	}
	for _, f := range formats {
		r := p.Get("c", f)
		if r.Link != "" || strings.Contains(string(r.Body), "websub") || strings.Contains(string(r.Body), "hub.example") {
			t.Errorf("private feed advertises a hub in %s: Link %q", f, r.Link)
		}
	}
	// Loading announces every feed (what changed while stopped is not
	// known); a change of a source announces the feeds that include it.
	slices.Sort(changed)
	if !slices.Equal(changed, []string{"c", "world"}) {
		t.Errorf("OnChange after the first render: %v", changed)
	}
	changed = nil
	st.add(item("a", "4", "https://e.org/4", time.Minute))
	if _, err := p.applyChanges(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changed, []string{"world"}) {
		t.Errorf("OnChange after a change of a: %v", changed)
	}
	changed = nil
	if _, err := p.applyChanges(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if len(changed) != 0 {
		t.Errorf("OnChange without a change: %v", changed)
	}
}
