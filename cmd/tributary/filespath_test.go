package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilesSourcePublishesNoServerPath: a files source without base_url
// publishes ids derived from the file name and the source name, never the
// folder's absolute path, in any format or page.
func TestFilesSourcePublishesNoServerPath(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "secret-folder-name", "articles")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "articles", "harbour-wind-farm.md"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(folder, "harbour wind farm.md"), string(src))
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "", "  - {name: newsroom, kind: files, path: "+folder+"}\n",
		"  - {slug: all, title: All, sources: [newsroom]}\n"))
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	f := waitFeed(t, base, 1)
	if f.Items[0].ID != "urn:tributary:files:newsroom:harbour%20wind%20farm.md" {
		t.Errorf("id %q", f.Items[0].ID)
	}
	for _, p := range []string{"/feeds/all.rss", "/feeds/all.atom", "/feeds/all.json", "/status.json", "/status"} {
		if _, body := get(t, base+p); strings.Contains(string(body), "secret-folder-name") {
			t.Errorf("%s publishes the folder's path", p)
		}
	}
}
