package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsNotLogged runs the daemon at debug level through admin
// requests and reloads, and looks for the admin token in everything it
// logged and served.
func TestSecretsNotLogged(t *testing.T) {
	const (
		token   = "tok-7f3a9c1e5b-first-secret"
		rotated = "tok-2d8e4b6a0c-second-secret"
	)
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	sources := "  - {name: wire, url: " + up.srv.URL + "/rss2.xml}\n"
	feeds := "  - {slug: news, title: News, sources: [wire]}\n"
	writeFile(t, path, daemonConfig(dir, token, sources, feeds))
	logger, logs := debugLogger()
	m := open(t, &Main{ConfigPath: path, Logger: logger})
	base := m.URL()
	waitFetched(t, base, "wire")

	admin := func(tok string, want int) {
		t.Helper()
		resp, _ := do(t, http.MethodPost, base+"/admin/sources/wire/refresh", "Authorization", "Bearer "+tok)
		if resp.StatusCode != want {
			t.Errorf("refresh with token %q: status %d, want %d", tok, resp.StatusCode, want)
		}
	}
	admin(token, http.StatusAccepted)
	admin(token+"x", http.StatusUnauthorized)
	if resp, _ := get(t, base+"/admin/status", "Authorization", "Bearer "+token); resp.StatusCode != http.StatusOK {
		t.Errorf("/admin/status: status %d", resp.StatusCode)
	}

	// Rotate the token, then reload a file whose typo carries it.
	ctx := context.Background()
	writeFile(t, path, daemonConfig(dir, rotated, sources, feeds))
	m.Reload(ctx)
	admin(token, http.StatusUnauthorized)
	// Accepted, but wire was refreshed moments ago: too many requests
	// (a rejected token would be 401).
	admin(rotated, http.StatusTooManyRequests)
	bad := strings.Replace(daemonConfig(dir, rotated, sources, feeds), "admin_token:", "admin_tokn:", 1)
	writeFile(t, path, bad)
	m.Reload(ctx)

	served := ""
	for _, p := range []string{"/", "/status", "/status.json", "/metrics", "/opml", "/feeds/news.atom"} {
		_, body := get(t, base+p)
		served += string(body)
	}
	text := logs.String()
	for _, want := range []string{"http request", "refresh requested", "config reloaded", "admin_tokn: unknown field"} {
		if !strings.Contains(text, want) {
			t.Errorf("debug log lacks %q, so it cannot show that secrets are left out:\n%s", want, text)
		}
	}
	for _, secret := range []string{token, rotated} {
		if strings.Contains(text, secret) {
			t.Errorf("log contains the admin token %q:\n%s", secret, text)
		}
		if strings.Contains(served, secret) {
			t.Errorf("a page served the admin token %q", secret)
		}
	}
}
