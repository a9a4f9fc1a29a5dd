package sources

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCheckDate(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		in, now time.Time
		want    time.Time
	}{
		{"past", now.AddDate(0, 0, -3), now, now.AddDate(0, 0, -3)},
		{"now", now, now, now},
		{"clock skew", now.Add(59 * time.Minute), now, now.Add(59 * time.Minute)},
		{"just over", now.Add(61 * time.Minute), now, time.Time{}},
		{"far future", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), now, time.Time{}},
		{"zero", time.Time{}, now, time.Time{}},
		{"no clock", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := CheckDate(tt.in, tt.now); !got.Equal(tt.want) {
			t.Errorf("%s: CheckDate(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestTitleFromText(t *testing.T) {
	long := "The harbour authority said on Tuesday that the new wind farm would supply forty thousand homes from next spring."
	tests := []struct{ in, want string }{
		{"", ""},
		{"<p>Short &amp; sweet.</p>", "Short & sweet."},
		{"<p>" + long + "</p>", "The harbour authority said on Tuesday that the new wind farm would supply forty…"},
		{"<p>The mayor, speaking at length about the tram line extension and its costs, said: no more delays</p>",
			"The mayor, speaking at length about the tram line extension and its costs, said…"},
		{strings.Repeat("x", 100), strings.Repeat("x", 80) + "…"},
		{strings.Repeat("市", 100), strings.Repeat("市", 80) + "…"},
	}
	for _, tt := range tests {
		got := TitleFromText(tt.in)
		if got != tt.want {
			t.Errorf("TitleFromText(%q) =\n%q, want\n%q", tt.in, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > 81 {
			t.Errorf("TitleFromText(%q) has %d characters", tt.in, n)
		}
	}
}
