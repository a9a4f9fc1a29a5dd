package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// requireTool returns the path of an external validator, or skips the test
// saying what to install. With TRIBUTARY_REQUIRE_TOOLS=1 (set by .ci/run) a
// missing tool fails instead, so CI always runs these checks.
func requireTool(t *testing.T, path, install string, probe ...string) string {
	t.Helper()
	_, err := exec.LookPath(path)
	if err == nil && len(probe) > 0 {
		err = exec.Command(path, probe...).Run()
	}
	if err != nil {
		msg := path + " is not usable (" + err.Error() + "); install it with: " + install
		if os.Getenv("TRIBUTARY_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

const feedparserScript = `
import sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
if d.bozo:
    print("bozo:", d.bozo_exception)
    sys.exit(1)
print(len(d.entries))
for e in d.entries:
    if not e.get("id"):
        print("entry without id:", e.get("title"))
        sys.exit(1)
`

// checkRealClients validates the served RSS and Atom with independent
// parsers: Python feedparser (bozo must be 0) and jing against RFC 4287's
// RELAX NG schema.
func checkRealClients(t *testing.T, base string, entries int) {
	py := requireTool(t, "/usr/bin/python3", "apt-get install python3-feedparser", "-c", "import feedparser")
	for _, format := range []string{"rss", "atom"} {
		_, body := get(t, base+"/feeds/all."+format)
		cmd := exec.Command(py, "-c", feedparserScript)
		cmd.Stdin = strings.NewReader(string(body))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("feedparser rejects the %s feed: %v\n%s", format, err, out)
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil || n != entries {
			t.Errorf("feedparser sees %q %s entries, want %d", out, format, entries)
		}
	}

	jing := requireTool(t, "/usr/bin/jing", "apt-get install jing")
	_, atom := get(t, base+"/feeds/all.atom")
	path := filepath.Join(t.TempDir(), "all.atom")
	if err := os.WriteFile(path, atom, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(jing, "-c", filepath.Join("testdata", "atom.rnc"), path).CombinedOutput(); err != nil {
		t.Errorf("the Atom feed is not valid RFC 4287: %v\n%s", err, out)
	}
}
