package server

import (
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    time.Duration // how long ago; negative: ahead
		want string
	}{
		{0, "just now"},
		{-10 * time.Second, "in a moment"},
		{70 * time.Second, "1 minute ago"},
		{5 * time.Minute, "5 minutes ago"},
		{-5 * time.Minute, "in 5 minutes"},
		{time.Hour, "1 hour ago"},
		{3*time.Hour + 10*time.Minute, "3 hours ago"},
		{3*time.Hour + 40*time.Minute, "4 hours ago"},
		{30 * time.Hour, "1 day ago"},
		{49 * time.Hour, "2 days ago"},
		{40 * 24 * time.Hour, "1 month ago"},
		{100 * 24 * time.Hour, "3 months ago"},
		{400 * 24 * time.Hour, "1 year ago"},
		{3 * 365 * 24 * time.Hour, "3 years ago"},
	} {
		if got := relative(now.Add(-tt.d), now); got != tt.want {
			t.Errorf("%v ago: %q, want %q", tt.d, got, tt.want)
		}
	}
	w := whenOf(now.Add(-3*time.Hour), now)
	if w.Rel != "3 hours ago" || w.Exact != "Sun, 29 Nov 2026 09:00:00 UTC" || w.ISO != "2026-11-29T09:00:00Z" || w.Zero {
		t.Errorf("whenOf = %+v", w)
	}
	if !whenOf(time.Time{}, now).Zero {
		t.Error("zero time not Zero")
	}
}

func TestSpanAndTook(t *testing.T) {
	for d, want := range map[time.Duration]string{
		48 * time.Hour: "2 days", 36 * time.Hour: "36 hours", 90 * time.Minute: "90 minutes",
		24 * time.Hour: "1 day", 45 * time.Second: "45s", 0: "",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
	if got := took(300 * time.Microsecond); got != "<1 ms" {
		t.Errorf("took = %q", got)
	}
	if got := took(340 * time.Millisecond); got != "340 ms" {
		t.Errorf("took = %q", got)
	}
	if got := took(2440 * time.Millisecond); got != "2.4 s" {
		t.Errorf("took = %q", got)
	}
}
