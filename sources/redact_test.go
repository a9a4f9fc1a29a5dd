package sources

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/feed.xml", "https://example.org/feed.xml"},
		{"http://user:s3cret@host/feed?apikey=TOPSECRET", "http://user:***@host/feed?apikey=***"},
		{"http://user@host/x", "http://user@host/x"},
		{"https://h/x?a=1&b=&c=3#frag", "https://h/x?a=***&b=***&c=***"},
		{"https://h/x?TOKEN123", "https://h/x?***"},
		{"https://h/x?a=1&&b=2", "https://h/x?a=***&&b=***"},
		{"https://h/x?", "https://h/x"},
		{"https://h/x#access_token=abc", "https://h/x"},
		// Unparsable: userinfo, query and tail dropped.
		{"http://user:s3cret@host:bad/x?key=TOPSECRET", "http://***@host:bad/x"},
		{"http://h/%zz?key=TOPSECRET", "http://h/%zz"},
		{"ht tp://" + strings.Repeat("a", 100), "ht tp://" + strings.Repeat("a", 52) + "…"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"http://u:p@h/x?k=v", "http://h/%zz?k=v", "\xff://\xfe@h", "mailto:a@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Redact(in)
		if !utf8.ValidString(out) && utf8.ValidString(in) {
			t.Errorf("Redact(%q) = %q: invalid UTF-8", in, out)
		}
		if strings.Contains(out, "?") && !strings.Contains(in, "?") {
			t.Errorf("Redact(%q) = %q: a query appeared", in, out)
		}
	})
}

func TestGetErrorsRedacted(t *testing.T) {
	c := newTestClient(ClientOptions{})
	_, err := c.Get(t.Context(), "http://user:s3cret@127.0.0.1:1/x?apikey=TOPSECRET", Request{})
	if err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("error %v", err)
	}
	_, err = c.Get(t.Context(), "gopher://h/x?apikey=TOPSECRET", Request{})
	if err == nil || strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("error %v", err)
	}
	_, err = c.Get(t.Context(), "http://h/x?apikey=TOPSECRET\x7f", Request{})
	if err == nil || strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("error %v", err)
	}
}
