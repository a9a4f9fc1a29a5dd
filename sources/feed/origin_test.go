package feed

import "testing"

func TestOriginURL(t *testing.T) {
	tests := []struct{ self, fetched, want string }{
		{"https://example.org/feed.xml", "https://u:p@mirror.example/x?key=secret", "https://example.org/feed.xml"},
		{"https://user:pw@example.org/feed.xml#top", "", "https://example.org/feed.xml"},
		{"", "https://u:p@example.org/feed?key=secret#frag", "https://example.org/feed"},
		{"/relative.xml", "https://example.org/feed?token=t", "https://example.org/feed"},
		{"javascript:alert(1)", "http://example.org/f", "http://example.org/f"},
		{"", "not a url", ""},
	}
	for _, tt := range tests {
		if got := originURL(tt.self, tt.fetched); got != tt.want {
			t.Errorf("originURL(%q, %q) = %q, want %q", tt.self, tt.fetched, got, tt.want)
		}
	}
}
