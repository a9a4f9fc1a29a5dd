package sources

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven chars", 10, "eleven …"},
		{"ééééé", 8, "éé…"},              // never splits a rune
		{"ab\xffcdefghijkl", 8, "abcd…"}, // invalid bytes dropped
		{"abc", 0, "…"},
	}
	for _, tt := range tests {
		got := Clip(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if len(tt.in) > tt.n && (len(got) > max(tt.n, len("…")) || !utf8.ValidString(got)) {
			t.Errorf("Clip(%q, %d) = %q: too long or invalid", tt.in, tt.n, got)
		}
	}
	if got := Clip(strings.Repeat("x", 1<<20), 300); len(got) != 300 {
		t.Errorf("clipped to %d bytes, want 300", len(got))
	}
}

func TestCapContent(t *testing.T) {
	big := "<p>" + strings.Repeat("word ", MaxContent/5) + "</p>"
	tag := strings.Repeat("x", MaxContent-5) + `<a href="https://example.org/">link</a>`
	res := &Result{Items: []Item{
		{ID: "small", Content: "<p>fine</p>", Summary: "short"},
		{ID: "big", Content: big},
		{ID: "tag", Summary: tag},
	}}
	CapContent(res)
	if res.Items[0].Content != "<p>fine</p>" || res.Items[0].Summary != "short" {
		t.Errorf("small item changed: %+v", res.Items[0])
	}
	if c := res.Items[1].Content; len(c) > MaxContent+len("…") || !strings.HasPrefix(c, "<p>word word") {
		t.Errorf("big content: %d bytes", len(c))
	}
	if s := res.Items[2].Summary; s != strings.Repeat("x", MaxContent-5)+"…" {
		t.Errorf("a tag straddling the cut is kept: %q", s[len(s)-20:])
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != "2 items' content cut to 1024 KiB: big, tag" {
		t.Errorf("warnings %q", res.Warnings)
	}
}
