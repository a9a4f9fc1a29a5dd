package feeds

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
)

func TestAccessAllows(t *testing.T) {
	a := NewAccess([]string{"0123456789abcdef", "second-token-0000"})
	for tok, want := range map[string]bool{
		"0123456789abcdef": true, "second-token-0000": true, "": false,
		"0123456789abcde": false, "0123456789abcdef ": false, "0123456789ABCDEF": false,
	} {
		if got := a.Allows(tok); got != want {
			t.Errorf("Allows(%q) = %v, want %v", tok, got, want)
		}
	}
	if !(*Access)(nil).Allows("") {
		t.Error("a public feed (nil Access) refused a reader")
	}
	if NewAccess(nil).Allows("") {
		t.Error("an Access without tokens let a reader without token in")
	}
}

func TestPrivateFeedPublished(t *testing.T) {
	const tok = "0123456789abcdef"
	cfg := testConfig(
		config.Feed{Slug: "world", Title: "World", Sources: []string{"tag:world"}, Access: &config.Access{Tokens: []string{tok}}},
		config.Feed{Slug: "c", Title: "C", Sources: []string{"c"}},
	)
	p, _, _ := newTestPublisher(t, cfg)
	if err := p.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	acc := p.Access("world")
	if acc == nil || !acc.Allows(tok) || acc.Allows("nope") || p.Access("c") != nil || p.Access("nope") != nil {
		t.Fatalf("Access: world %v (allows token %v), c %v", acc, acc.Allows(tok), p.Access("c"))
	}
	for _, f := range formats {
		r := p.Get("world", f)
		if r.CacheControl != "private, max-age=900" {
			t.Errorf("%s Cache-Control = %q, want private", f, r.CacheControl)
		}
		if bytes.Contains(r.Body, []byte(tok)) {
			t.Errorf("%s body holds the token", f)
		}
	}
	if got := p.Get("c", RSS).CacheControl; !strings.HasPrefix(got, "public, ") {
		t.Errorf("public feed Cache-Control = %q", got)
	}
	infos := p.Feeds()
	if !infos[0].Private || infos[1].Private {
		t.Errorf("Private flags = %v, %v", infos[0].Private, infos[1].Private)
	}

	// Rotating the token takes effect at once, though nothing is re-rendered.
	next := testConfig(
		config.Feed{Slug: "world", Title: "World", Sources: []string{"tag:world"}, Access: &config.Access{Tokens: []string{"fedcba9876543210"}}},
		config.Feed{Slug: "c", Title: "C", Sources: []string{"c"}},
	)
	if err := p.SetConfig(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if acc := p.Access("world"); acc.Allows(tok) || !acc.Allows("fedcba9876543210") {
		t.Error("the old token still works after a reload")
	}
}
