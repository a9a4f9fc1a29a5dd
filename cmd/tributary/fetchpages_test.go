package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestFetchShowsSelectorCountsPerPage: tributary fetch of a paginated
// json source prints, per page read, what each selector matched, so the
// selector that broke on page 2 is the one at 0.
func TestFetchShowsSelectorCountsPerPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			// The API renamed its date field on page 2.
			fmt.Fprint(w, `{"items": [{"title": "Three", "url": "/3", "when": "2026-11-01"}]}`)
			return
		}
		fmt.Fprint(w, `{"items": [{"title": "One", "url": "/1", "date": "2026-11-03"}, {"title": "Two", "url": "/2", "date": "2026-11-02"}], "next": "?page=2"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, fmt.Sprintf(`sources:
  - name: api
    kind: json
    url: %s/api
    select: {items: "$.items[*]", title: "$.title", link: "$.url", date: "$.date"}
    next: "$.next"
    pages: 3
`, srv.URL))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"fetch", "-config", path, "api"}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr.String())
	}
	for _, want := range []string{
		"page 1: " + srv.URL + "/api\n   matched: items 2, title 2, link 2, date 2, next 1\n",
		"page 2: " + srv.URL + "/api?page=", // the query value is redacted as URL secrets are
		"\n   matched: items 1, title 1, link 1, date 0\n",
		"2 items\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), `page 2: select.date "$.date" matched nothing in any of the 1 items`) {
		t.Errorf("stderr lacks page 2's failure:\n%s", stderr.String())
	}
}
