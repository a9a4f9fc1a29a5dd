package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidatePublishing(t *testing.T) {
	const head = `sources:
  - {name: wire, url: "https://example.org/a.rss", tags: [primary]}
  - {name: other, url: "https://example.org/b.rss"}
feeds:
  - slug: world
    title: World
    sources: [wire, other]
`
	tests := []struct {
		name, feed, want string // want "": valid
	}{
		{"all valid", `    image: https://example.org/logo.png
    archive: true
    prefer: [wire, "tag:primary"]
    near_duplicates: 0.9
    access: {tokens: ["0123456789abcdef"]}
`, ""},
		{"image not absolute", "    image: /logo.png\n", `c.yaml:8: feeds[0].image: "/logo.png" is not an absolute http(s) URL`},
		{"similarity above 1", "    near_duplicates: 1.5\n", "c.yaml:8: feeds[0].near_duplicates: must be from 0 (off) to 1, got 1.5"},
		{"prefer unknown source", "    prefer: [wire, nope]\n", `c.yaml:8: feeds[0].prefer[1]: "nope" is not a source of this feed`},
		{"prefer unknown tag", "    prefer: [\"tag:none\"]\n", `c.yaml:8: feeds[0].prefer[0]: no source has tag "none"`},
		{"no tokens", "    access: {tokens: []}\n", "c.yaml:8: feeds[0].access.tokens: required"},
		{"short token", "    access:\n      tokens: [\"0123456789abcdef\", \"s3cret\"]\n", "c.yaml:9: feeds[0].access.tokens[1]: token too short"},
		{"token with space", "    access:\n      tokens: [\"0123456789 abcdef\"]\n", "c.yaml:9: feeds[0].access.tokens[0]: token must not contain spaces"},
		{"unknown access key", "    access: {token: x}\n", "c.yaml:8: feeds[0].access.token: unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(head+tt.feed), noEnv)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error echoes the token: %v", err)
			}
		})
	}
}

func TestPreference(t *testing.T) {
	const cfg = `sources:
  - {name: wire, url: "https://example.org/a.rss"}
  - {name: local, url: "https://example.org/b.rss", tags: [primary]}
  - {name: blog, url: "https://example.org/c.rss", tags: [primary]}
  - {name: extra, url: "https://example.org/d.rss"}
feeds:
  - {slug: plain, title: P, sources: [wire, local, blog]}
  - {slug: pref, title: P, sources: [wire, "tag:primary", extra], prefer: [extra, "tag:primary"]}
`
	c, err := Parse("c.yaml", []byte(cfg), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]string{{"wire", "local", "blog"}, {"extra", "local", "blog", "wire"}} {
		if got := c.Feeds[i].Compiled.Preference; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: preference %v, want %v", c.Feeds[i].Slug, got, want)
		}
	}
}
