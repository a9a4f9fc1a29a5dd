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
