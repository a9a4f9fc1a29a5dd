package sources

import (
	"net/url"
	"testing"
)

func TestAbsolutizeHTML(t *testing.T) {
	base, _ := url.Parse("https://news.example.org/world/")
	tests := []struct{ in, want string }{
		{`<p>No links</p>`, `<p>No links</p>`},
		{`<a href="/about">a</a> <img src="img/x.png" srcset="a.png 1x, /b.png 2x">`,
			`<a href="https://news.example.org/about">a</a> <img src="https://news.example.org/world/img/x.png" srcset="https://news.example.org/world/a.png 1x, https://news.example.org/b.png 2x"/>`},
		{`<a href="https://other.example/">abs</a> <a href="#top">frag</a>`, `<a href="https://other.example/">abs</a> <a href="#top">frag</a>`},
		{`<video poster="p.jpg"><source src="v.mp4"></video>`, `<video poster="https://news.example.org/world/p.jpg"><source src="https://news.example.org/world/v.mp4"/></video>`},
	}
	for _, tt := range tests {
		if got := AbsolutizeHTML(tt.in, base); got != tt.want {
			t.Errorf("AbsolutizeHTML(%q) =\n %q, want\n %q", tt.in, got, tt.want)
		}
	}
	if got := AbsolutizeHTML(`<a href="/x">x</a>`, nil); got != `<a href="/x">x</a>` {
		t.Errorf("nil base changed the fragment: %q", got)
	}
}
