package sources

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  Plain   title \n", "Plain title"},
		{"AT&amp;amp;T", "AT&amp;T"}, // decoded exactly once
		{"AT&amp;T", "AT&T"},
		{"Caf&eacute; &#8364;5 &#x2014; ok", "Café €5 — ok"},
		{"Summit <em>opens</em> now", "Summit opens now"},
		{"<b>Bold</b>face", "Boldface"},
		{"Line<br>break", "Line break"},
		{"<p>One</p><p>Two</p>", "One Two"},
		{"Hi<script>alert(1)</script> there", "Hi there"},
		{"<style>p{}</style>Styled", "Styled"},
		{"x < y and y > z", "x < y and y > z"},
		{"Q&A", "Q&A"},
		{"<unclosed", ""},
		{"</p>", ""},
		{"<p>A</p>\n\n<p>B</p>", "A B"},
		{"<li>One</li><li>Two</li>", "One Two"},
		{"a&nbsp;&nbsp;b", "a b"},
		{"<i>x</i><br/><i>y</i>", "x y"},
		{"<a href=x>Link</a>s", "Links"},
		{"bad \xff byte", "bad byte"},
		{"<b>bad</b> \xff <i>byte</i>", "bad byte"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "AT&amp;amp;T", "<script>x</script>y", "<b>\xffz", "a  \n b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := PlainText(in)
		if !utf8.ValidString(out) {
			t.Errorf("PlainText(%q) = %q: invalid UTF-8", in, out)
		}
		if out != strings.Join(strings.Fields(out), " ") {
			t.Errorf("PlainText(%q) = %q: white space not collapsed", in, out)
		}
	})
}

func BenchmarkPlainText(b *testing.B) {
	in := strings.Repeat("<p>The <em>harbour</em> opened its new quay on Monday &amp; doubled the space.</p>\n", 50)
	b.ReportAllocs()
	for b.Loop() {
		PlainText(in)
	}
}
