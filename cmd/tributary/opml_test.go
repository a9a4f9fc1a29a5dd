package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOPMLExportMatchesServed checks that "opml export" prints exactly the
// document a daemon on the same config serves at /opml.
func TestOPMLExportMatchesServed(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "", "  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: world, title: \"World <news> & more\", sources: [wire]}\n  - {slug: local, title: Local, sources: [wire]}\n"+
			"  - {slug: hidden, title: Hidden, sources: [wire], access: {tokens: [0123456789abcdef]}}\n"))
	m := open(t, &Main{ConfigPath: path})
	resp, served := get(t, m.URL()+"/opml")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /opml: status %d", resp.StatusCode)
	}
	out := runCLI(t, "", "opml", "export", "-config", path)
	if out.code != exitOK {
		t.Fatalf("export: exit %d: %s", out.code, out.stderr)
	}
	if out.stdout != string(served) {
		t.Errorf("opml export and /opml differ:\nexport:\n%s\nserved:\n%s", out.stdout, served)
	}
	if strings.Contains(out.stdout, "hidden") || !strings.Contains(out.stdout, "/feeds/local.") {
		t.Errorf("export lists the private feed or lacks a public one:\n%s", out.stdout)
	}
	if !strings.Contains(out.stdout, "<title>tributary feeds</title>") {
		t.Errorf("exported OPML title is not \"tributary feeds\":\n%s", out.stdout)
	}
}

// TestOPMLImportWarnings imports subscriptions that cannot all become
// sources: the ones left out are warned about on stderr, and the rest
// pastes into a config that passes check.
func TestOPMLImportWarnings(t *testing.T) {
	in := runCLI(t, "", "opml", "import", filepath.Join("testdata", "cli", "mixed.opml"))
	if in.code != exitOK {
		t.Fatalf("import: exit %d: %s", in.code, in.stderr)
	}
	wantStderr := `warning: skipped "FTP feed" ("ftp://x.example.org/feed"): not an absolute http(s) URL
warning: skipped "Search again" ("https://e.example/rss?q=a%20b"): same URL as source "search"
`
	if in.stderr != wantStderr {
		t.Errorf("stderr:\n%s\nwant:\n%s", in.stderr, wantStderr)
	}
	doc := parseImported(t, in.stdout)
	var names []string
	for _, s := range doc.Sources {
		names = append(names, s.Name)
	}
	if want := []string{"unicode-news", "jp-example-org", "search"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	if tags := doc.Sources[0].Tags; !slices.Equal(tags, []string{"news", "europe"}) {
		t.Errorf("tags of the nested source = %q, want [news europe]", tags)
	}
	_, checked := pasteSources(t, in.stdout, names, "  - slug: europe\n    title: Europe\n    sources: [\"tag:europe\"]\n")
	// The folder the nested subscription was in became a tag a feed can select.
	containsInOrder(t, "check", checked, []string{"feeds:", `"Europe"`, "<- unicode-news\n"})
}
