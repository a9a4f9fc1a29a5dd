package feeds

import "testing"

func TestCanonicalLink(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://Example.ORG/Path", "https://example.org/Path"},
		{"http://example.org:80/a", "http://example.org/a"},
		{"https://example.org:443/a", "https://example.org/a"},
		{"https://example.org:8443/a", "https://example.org:8443/a"},
		{"http://example.org:443/a", "http://example.org:443/a"},
		{"https://example.org/a/?utm_source=rss&id=3&UTM_medium=x", "https://example.org/a/?id=3"},
		{"https://example.org/a?utm_campaign=z", "https://example.org/a"},
		{"https://example.org/a#section", "https://example.org/a"},
		{"https://example.org/a/", "https://example.org/a/"},
		{"https://[::1]:443/a", "https://[::1]/a"},
		{" relative/path ", "relative/path"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := canonicalLink(tt.in); got != tt.want {
			t.Errorf("canonicalLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
