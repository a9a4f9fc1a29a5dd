package feeds

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireTool skips when an external validator is missing, unless
// TRIBUTARY_REQUIRE_TOOLS=1 makes it a failure.
func requireTool(t *testing.T, name string, args ...string) {
	t.Helper()
	_, err := exec.LookPath(name)
	if err == nil && len(args) > 0 {
		err = exec.Command(name, args...).Run()
	}
	if err != nil {
		msg := "feeds: validator " + name + " unavailable: " + err.Error()
		if os.Getenv("TRIBUTARY_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

func TestFeedparserAcceptsGolden(t *testing.T) {
	requireTool(t, "/usr/bin/python3", "-c", "import feedparser")
	const script = `import sys, feedparser
d = feedparser.parse(sys.argv[1])
print(int(bool(d.bozo)), len(d.entries), d.version, repr(d.get("bozo_exception")))`
	for _, f := range []Format{RSS, Atom} {
		out, err := exec.Command("/usr/bin/python3", "-c", script, goldenPath(f)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, out)
		}
		fields := strings.Fields(string(out))
		if len(fields) < 3 || fields[0] != "0" || fields[1] != "5" {
			t.Errorf("%s: feedparser says bozo, entries, version = %s", f, out)
		}
	}
}

func TestAtomValidatesAgainstRFC4287(t *testing.T) {
	requireTool(t, "jing")
	schema := filepath.Join("testdata", "atom.rnc")
	if out, err := exec.Command("jing", "-c", schema, goldenPath(Atom)).CombinedOutput(); err != nil {
		t.Fatalf("jing: %v\n%s", err, out)
	}
	empty, err := Render(fixtureMeta(Atom), nil, Atom)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "empty.atom")
	if err := os.WriteFile(path, empty, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("jing", "-c", schema, path).CombinedOutput(); err != nil {
		t.Fatalf("jing on an empty feed: %v\n%s", err, out)
	}
}

type jsonFeedDoc struct {
	Version     string           `json:"version"`
	Title       string           `json:"title"`
	HomePageURL string           `json:"home_page_url"`
	FeedURL     string           `json:"feed_url"`
	Description string           `json:"description"`
	Items       []map[string]any `json:"items"`
}

func TestJSONFeedFields(t *testing.T) {
	body, err := os.ReadFile(goldenPath(JSON))
	if err != nil {
		t.Fatal(err)
	}
	var doc jsonFeedDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title == "" ||
		doc.HomePageURL != "http://127.0.0.1:8080/" || doc.FeedURL != "http://127.0.0.1:8080/feeds/world.json" {
		t.Errorf("feed fields: %+v", doc)
	}
	if len(doc.Items) != 5 {
		t.Fatalf("items = %d, want 5", len(doc.Items))
	}
	for i, it := range doc.Items {
		if _, ok := it["id"].(string); !ok {
			t.Errorf("item %d: id %v is not a string", i, it["id"])
		}
		_, html := it["content_html"].(string)
		_, text := it["content_text"].(string)
		if !html && !text {
			t.Errorf("item %d has neither content_html nor content_text", i)
		}
		if _, ok := it["date_published"].(string); !ok {
			t.Errorf("item %d has no date_published", i)
		}
	}
	first := doc.Items[0]
	if first["image"] != "https://example.org/images/summit.jpg" {
		t.Errorf("image = %v", first["image"])
	}
	if a, _ := first["attachments"].([]any); len(a) != 1 {
		t.Errorf("attachments = %v", first["attachments"])
	}
	if tags, _ := first["tags"].([]any); len(tags) != 2 {
		t.Errorf("tags = %v", first["tags"])
	}
	if authors, _ := first["authors"].([]any); len(authors) != 2 {
		t.Errorf("authors = %v", first["authors"])
	}
	if strings.Contains(string(body), `\u003c`) {
		t.Error("HTML is escaped in the JSON feed")
	}
}

func TestEmptyJSONFeedHasItems(t *testing.T) {
	body, err := Render(fixtureMeta(JSON), nil, JSON)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"items": []`) {
		t.Errorf("empty feed lacks \"items\": []:\n%s", body)
	}
}

func TestRenderedHTMLIsSafe(t *testing.T) {
	for _, f := range formats {
		body, err := os.ReadFile(goldenPath(f))
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(body))
		for _, bad := range []string{"<script", "onclick", "onerror", "javascript:", "vbscript:", "iframe", "<style", "data:image", "\x00", "\x07"} {
			if strings.Contains(lower, bad) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
}
