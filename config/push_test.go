package config

import (
	"strings"
	"testing"
)

func TestPushKeys(t *testing.T) {
	good := `
server:
  base_url: https://feeds.example.org
  websub:
    builtin: true
    hubs: [https://hub.example.org/]
sources:
  - name: wire
    url: https://example.org/feed
    websub: true
feeds:
  - slug: world
    title: World
    sources: [wire]
    notify: [{url: "https://hooks.example.org/in?token=abc", secret: "s3cret-value"}]
`
	c, err := Parse("c.yaml", []byte(good), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Server.WebSub.Builtin || len(c.Server.WebSub.Hubs) != 1 || !c.Server.WebSub.Enabled() {
		t.Errorf("websub = %+v", c.Server.WebSub)
	}
	if !c.Sources[0].WebSub || len(c.Feeds[0].Notify) != 1 || c.Feeds[0].Notify[0].Secret != "s3cret-value" {
		t.Errorf("source %+v, notify %+v", c.Sources[0], c.Feeds[0].Notify)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
	local, err := Parse("c.yaml", []byte(strings.Replace(good, "https://feeds.example.org", "http://localhost:8080", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(local.Warnings) != 1 || !strings.Contains(local.Warnings[0], "websub sources (wire)") {
		t.Errorf("warnings with a loopback base_url: %q", local.Warnings)
	}
	if off, err := Parse("c.yaml", []byte("feeds: []\n"), nil); err != nil || off.Server.WebSub.Enabled() || strings.Contains(off.Summary(), "push:") {
		t.Errorf("websub on by default: %+v, %v", off, err)
	}
	sum := c.Summary()
	want := "\npush: built-in hub at https://feeds.example.org/websub; 1 hub pinged; 1 webhook; subscribing for wire\n"
	if !strings.HasSuffix(sum, want) {
		t.Errorf("Summary ends\n%s\nwant\n%s", sum, want)
	}
	if strings.Contains(sum, "token=abc") || strings.Contains(sum, "s3cret") {
		t.Errorf("Summary shows a webhook's URL or secret:\n%s", sum)
	}
}

func TestPushKeyErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad hub", "server:\n  websub:\n    hubs: [\"ftp://hub\"]\n", `c.yaml:3: server.websub.hubs[0]: "ftp://hub" is not an absolute http(s) URL`},
		{"websub on html", "sources:\n  - name: a\n    kind: html\n    url: https://e.org/\n    select: {item: li, title: a, link: a@href}\n    websub: true\n", "c.yaml:6: sources[0].websub: only a feed source can subscribe to a hub (kind is html)"},
		{"notify no url", "sources:\n  - {name: a, url: \"https://e.org/\"}\nfeeds:\n  - slug: w\n    title: W\n    sources: [a]\n    notify: [{secret: x}]\n", "c.yaml:7: feeds[0].notify[0].url: required"},
		{"notify bad url", "sources:\n  - {name: a, url: \"https://e.org/\"}\nfeeds:\n  - slug: w\n    title: W\n    sources: [a]\n    notify: [{url: \"hooks.example/in?token=TOPSECRET\"}]\n", "c.yaml:7: feeds[0].notify[0].url: must be an absolute http(s) URL without spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "TOPSECRET") {
				t.Errorf("the error quotes the webhook URL: %v", err)
			}
		})
	}
}
