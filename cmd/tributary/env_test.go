package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnvValuesTakenLiterally reproduces issue 8 item 6: a ${VAR} value is
// inserted after the YAML is parsed, so whatever YAML syntax it contains
// stays part of the value. Before, " #" shortened the admin token (and the
// short token was accepted), a leading "!" disabled /admin, and "\x41"
// was decoded inside double quotes.
func TestEnvValuesTakenLiterally(t *testing.T) {
	up := newUpstream(t)
	tests := []struct {
		name, ref, token, wrong string
	}{
		{"hash", "${TRIBUTARY_TEST_TOKEN}", "tok-0123456789 #rest-of-secret", "tok-0123456789"},
		{"hash quoted", `"${TRIBUTARY_TEST_TOKEN}"`, "tok-0123456789 #rest-of-secret", "tok-0123456789"},
		{"leading bang", "${TRIBUTARY_TEST_TOKEN}", "!tok-0123456789-secret", "tok-0123456789-secret"},
		{"escape in quotes", `"${TRIBUTARY_TEST_TOKEN}"`, `tok-\x41-0123456789-secret`, "tok-A-0123456789-secret"},
		{"leading star", "${TRIBUTARY_TEST_TOKEN}", "*tok-0123456789-secret", "tok-0123456789-secret"},
		{"leading ampersand", "${TRIBUTARY_TEST_TOKEN}", "&tok-0123456789-secret x", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TRIBUTARY_TEST_TOKEN", tt.token)
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			cfg := daemonConfig(dir, "PLACEHOLDER", "  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n", "  - {slug: news, title: News, sources: [wire]}\n")
			cfg = strings.Replace(cfg, `"PLACEHOLDER"`, tt.ref, 1)
			writeFile(t, path, cfg)
			m := open(t, &Main{ConfigPath: path})
			base := m.URL()
			for tok, want := range map[string]int{tt.token: http.StatusAccepted, tt.wrong: http.StatusUnauthorized} {
				resp, _ := do(t, http.MethodPost, base+"/admin/sources/wire/refresh", "Authorization", "Bearer "+tok)
				if resp.StatusCode != want {
					t.Errorf("refresh with token %q: status %d, want %d", tok, resp.StatusCode, want)
				}
			}
		})
	}
}

// TestEnvValueNeverEchoed: check reports a bad value that came from the
// environment by the variable's name, never by the value (before, a leading
// "*" made an alias error that quoted the secret).
func TestEnvValueNeverEchoed(t *testing.T) {
	const secret = "*s3cr3t"
	t.Setenv("TRIBUTARY_TEST_TOKEN", secret)
	t.Setenv("TRIBUTARY_TEST_LISTEN", "127.0.0.1:99999x")
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := daemonConfig(dir, "PLACEHOLDER", "  - {name: wire, url: https://example.org/feed.xml}\n", "  - {slug: news, title: News, sources: [wire]}\n")
	cfg = strings.Replace(cfg, `"PLACEHOLDER"`, "${TRIBUTARY_TEST_TOKEN}", 1)
	cfg = strings.Replace(cfg, `"127.0.0.1:0"`, "${TRIBUTARY_TEST_LISTEN}", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"check", "-config", path}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String() + stderr.String()
	if code != 1 {
		t.Fatalf("check exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{"server.admin_token: too short", "server.listen:", "${TRIBUTARY_TEST_LISTEN}"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	for _, leak := range []string{"s3cr3t", "99999x"} {
		if strings.Contains(out, leak) {
			t.Errorf("check output echoes the value %q:\n%s", leak, out)
		}
	}
}
