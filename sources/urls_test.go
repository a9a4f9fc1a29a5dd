package sources

import (
	"net/url"
	"testing"
)

func TestResolveURL(t *testing.T) {
	base, _ := url.Parse("https://a.org/news/")
	tests := []struct {
		base *url.URL
		ref  string
		want string
	}{
		{base, "x.html", "https://a.org/news/x.html"},
		{base, " /x.html ", "https://a.org/x.html"},
		{base, "//cdn.org/i.png", "https://cdn.org/i.png"},
		{base, "HTTPS://b.org/y", "https://b.org/y"},
		{base, "#top", "https://a.org/news/#top"},
		{base, "", ""},
		{base, "%zz", ""},
		{base, "mailto:jo@a.org", ""},
		{base, "javascript:alert(1)", ""},
		{base, "data:image/png;base64,AAAA", ""},
		{base, "http:///nohost", ""},
		{nil, "rel/x", ""},
		{nil, "https://b.org/y", "https://b.org/y"},
	}
	for _, tt := range tests {
		if got := ResolveURL(tt.base, tt.ref); got != tt.want {
			t.Errorf("ResolveURL(%v, %q) = %q, want %q", tt.base, tt.ref, got, tt.want)
		}
	}
}

func TestResolveSrcset(t *testing.T) {
	base, _ := url.Parse("https://a.org/news/")
	tests := []struct{ in, want string }{
		{"a.jpg 1x, /b.jpg 2x", "https://a.org/news/a.jpg 1x, https://a.org/b.jpg 2x"},
		{"  a.jpg   480w ,", "https://a.org/news/a.jpg 480w"},
		{"javascript:x 1x, c.jpg", "https://a.org/news/c.jpg"},
		{"javascript:x 1x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ResolveSrcset(base, tt.in); got != tt.want {
			t.Errorf("ResolveSrcset(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewResult(t *testing.T) {
	resp := &Response{NotModified: true, ETag: `"e"`, LastModified: "lm", NotBefore: testNow, Body: []byte("x")}
	res := NewResult(resp)
	if !res.NotModified || res.ETag != `"e"` || res.LastModified != "lm" || !res.NotBefore.Equal(testNow) || res.Items != nil {
		t.Errorf("NewResult = %+v", res)
	}
}
