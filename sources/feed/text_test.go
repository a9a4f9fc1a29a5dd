package feed

import "testing"

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
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
