package server

import (
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestParseQ(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"1", 1000}, {"0", 0}, {"0.5", 500}, {"0.001", 1}, {"1.000", 1000}, {"1.5", 1000},
		{"0.", 0}, {"0.12345", 0}, {"2", 0}, {"", 0}, {"abc", 0}, {"0.x", 0}, {".5", 0},
	}
	for _, tt := range tests {
		if got := parseQ(tt.in); got != tt.want {
			t.Errorf("parseQ(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseFeedPath(t *testing.T) {
	tests := []struct {
		rest       string
		slug       string
		f          feeds.Format
		negotiated bool
		ok         bool
	}{
		{"world.rss", "world", feeds.RSS, false, true},
		{"world.atom", "world", feeds.Atom, false, true},
		{"world.json", "world", feeds.JSON, false, true},
		{"world", "world", feeds.Atom, true, true},
		{"a.b.json", "a.b", feeds.JSON, false, true},
		{"world.html", "", 0, false, false},
		{".json", "", 0, false, false},
		{"", "", 0, false, false},
		{"a/b.json", "", 0, false, false},
	}
	for _, tt := range tests {
		slug, f, neg, ok := parseFeedPath(tt.rest, nil)
		if ok != tt.ok || (ok && (slug != tt.slug || f != tt.f || neg != tt.negotiated)) {
			t.Errorf("parseFeedPath(%q) = %q %v %v %v", tt.rest, slug, f, neg, ok)
		}
	}
}

func FuzzETagList(f *testing.F) {
	f.Add(`"a", W/"b", *`, `"b"`)
	f.Add(`W/"`, `"x"`)
	f.Add(`,,, ,`, `W/"x"`)
	f.Fuzz(func(t *testing.T, header, etag string) {
		got := etagListMatches([]string{header}, etag)
		if etag == "" && got {
			t.Fatal("empty ETag matched")
		}
		if etag != "" && etagListMatches([]string{header + ", " + etag}, etag) != true {
			if _, rest, ok := scanETag(etag); ok && rest == "" && validList(header) {
				t.Fatalf("appending %q to %q did not match", etag, header)
			}
		}
	})
}

// validList reports whether header scans cleanly to its end, so that an
// appended tag is reachable.
func validList(header string) bool {
	for {
		header = skipListSeparators(header)
		if header == "" || header[0] == '*' {
			return true
		}
		_, rest, ok := scanETag(header)
		if !ok {
			return false
		}
		header = rest
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("application/rss+xml;q=0.9, */*;q=0.1", "gzip;q=0.5, *")
	f.Add(";;;,,q=,", "q=1;gzip")
	f.Fuzz(func(t *testing.T, accept, encoding string) {
		switch negotiate([]string{accept}) {
		case feeds.RSS, feeds.Atom, feeds.JSON:
		default:
			t.Fatal("negotiated an unknown format")
		}
		_ = acceptsGzip([]string{encoding})
	})
}
