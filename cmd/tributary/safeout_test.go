package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckRedactsURLs: "tributary check" shows URLs as the daemon does,
// in its summary and in its errors: no password, no query values.
func TestCheckRedactsURLs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	good := daemonConfig(dir, "", "  - {name: wire, url: \"https://reader:hunter2@example.org/feed.xml?api_key=SECRETKEY&page=1\"}\n",
		"  - {slug: all, title: All, sources: [wire]}\n")
	writeFile(t, path, good)
	inv := runCLI(t, "", "check", "-config", path)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "https://reader:***@example.org/feed.xml?api_key=***&page=***") {
		t.Errorf("check: code %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
	bad := strings.Replace(good, "example.org/feed.xml", "example.org/feed .xml", 1)
	writeFile(t, path, bad)
	inv = runCLI(t, "", "check", "-config", path)
	if inv.code != exitError || !strings.Contains(inv.stderr, "url") {
		t.Errorf("bad URL: code %d\n%s", inv.code, inv.stderr)
	}
	for _, out := range []string{inv.stdout, inv.stderr} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "SECRETKEY") {
			t.Errorf("check shows a secret:\n%s", out)
		}
	}
}

// TestFetchStripsControlSequences: "tributary fetch" prints upstream text;
// no escape sequence, BEL, OSC 52 (clipboard), OSC 8 (hidden link) or C1
// control in it reaches the terminal, and no field spans two lines.
func TestFetchStripsControlSequences(t *testing.T) {
	titles := []string{
		"Red \x1b[31malert\x1b[0m",
		"Clip\x1b]52;c;ZWNobyBwd25lZA==\x07board",
		"Link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here",
		"Bell\x07 and C1 \u009b2J CSI, \u009d0;title\u009c OSC",
		"Two\nlines\r\x1bc reset",
		"Reversed \u202egnp.exe",
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var items []string
		for i, ti := range titles {
			title, _ := json.Marshal(ti)
			body, _ := json.Marshal("body " + ti)
			items = append(items, fmt.Sprintf(`{"id": "%d", "url": "https://x.example/%d", "title": %s, "content_text": %s}`, i, i, title, body))
		}
		fmt.Fprintf(w, `{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [%s]}`, strings.Join(items, ","))
	}))
	defer up.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "", "  - {name: evil, url: "+up.URL+"/feed.json}\n", "  - {slug: all, title: All, sources: [evil]}\n"))
	inv := runCLI(t, "", "fetch", "-config", path, "evil")
	if inv.code != exitOK {
		t.Fatalf("fetch: code %d\n%s", inv.code, inv.stderr)
	}
	for _, out := range []string{inv.stdout, inv.stderr} {
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e {
				t.Errorf("control %U printed:\n%q", r, out)
				break
			}
		}
	}
	for _, want := range []string{"1. Red alert", "2. Clipboard", "3. Link click here", "4. Bell and C1  CSI,  OSC", "5. Two lines  reset", "6. Reversed gnp.exe"} {
		if !strings.Contains(inv.stdout, want+"\n") {
			t.Errorf("missing %q in\n%s", want, inv.stdout)
		}
	}
}

func TestTerminalSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text\twith tab\n", "plain text\twith tab\n"},
		{"\x1b[1;31mbold red\x1b[m", "bold red"},
		{"\x1b]52;c;AAAA\x1b\\after", "after"},
		{"\x1b]0;title\x07after", "after"},
		{"unterminated \x1b]52;c;AAAA", "unterminated "},
		{"\x1b7saved\x1b8", "saved"},
		{"\x1b[", ""},
		{"\x1b", ""},
		{"a\u0085b\u009bc", "ab"}, // NEL dropped, C1 CSI eats the "c" final byte
		{"é ü 日本", "é ü 日本"},
	}
	for _, tt := range tests {
		if got := terminalSafe(tt.in); got != tt.want {
			t.Errorf("terminalSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
