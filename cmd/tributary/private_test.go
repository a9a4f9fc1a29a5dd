package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrivateFeedEndToEnd runs the daemon with a private feed beside a
// public one: the token opens it, nothing else does, it is listed nowhere,
// and its token reaches no log or page.
func TestPrivateFeedEndToEnd(t *testing.T) {
	const tok = "feed-token-4b1d9e7a2c"
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	sources := "  - {name: wire, url: " + up.srv.URL + "/rss2.xml}\n"
	feeds := "  - {slug: open, title: Open, sources: [wire]}\n" +
		"  - {slug: closed, title: Closed, sources: [wire], access: {tokens: [\"" + tok + "\"]}}\n"
	writeFile(t, path, daemonConfig(dir, "", sources, feeds))
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger})
	base := m.URL()
	waitFetched(t, base, "wire")

	if resp, _ := get(t, base+"/feeds/closed.rss"); resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("without token: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	var resp *http.Response
	var body []byte
	waitFor(t, "the private feed to hold the fetched items", func() bool {
		resp, body = get(t, base+"/feeds/closed.rss?token="+tok)
		return strings.Contains(string(body), "<item>")
	})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") || !strings.Contains(string(body), "<item>") {
		t.Fatalf("with token: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if strings.Contains(string(body), tok) {
		t.Error("the document carries the token (self link?)")
	}
	if resp, _ := get(t, base+"/feeds/closed.atom", "Authorization", "Bearer "+tok, "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != http.StatusOK {
		t.Errorf("bearer on another format: %d", resp.StatusCode)
	}
	served := ""
	for _, p := range []string{"/", "/opml", "/status", "/status.json"} {
		_, b := get(t, base+p)
		served += string(b)
	}
	if !strings.Contains(served, "/feeds/open.") || strings.Contains(served, "closed") {
		t.Errorf("public pages list the private feed or miss the public one")
	}
	_, metrics := get(t, base+"/metrics") // names the slug, as operators need
	served += string(metrics)
	if strings.Contains(logs.String(), tok) || strings.Contains(served, tok) {
		t.Errorf("the token leaked into logs or pages:\n%s", logs.String())
	}
}
