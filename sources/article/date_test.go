package article

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	plus8 := time.FixedZone("CST", 8*3600)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2026-03-02T09:30:00+01:00", nil, utc(2026, 3, 2, 8, 30)},
		{"2026-04-11T17:45:00Z", plus8, utc(2026, 4, 11, 17, 45)},
		{"Mon, 02 Jan 2006 15:04:00 +0100", nil, utc(2006, 1, 2, 14, 4)},
		{"Mon, 02 Jan 2006 15:04:00 GMT", nil, utc(2006, 1, 2, 15, 4)},
		{"Aug 16, 2018", nil, utc(2018, 8, 16, 0, 0)},
		{"Aug 16, 2018", plus8, utc(2018, 8, 15, 16, 0)},
		{"16 August 2018", nil, utc(2018, 8, 16, 0, 0)},
		{"7 June 2023", nil, utc(2023, 6, 7, 0, 0)},
		{"2025-09-14 16:20", nil, utc(2025, 9, 14, 16, 20)},
		{"2025-09-14 16:20", plus8, utc(2025, 9, 14, 8, 20)},
		{"November 17, 2026 09:15", nil, utc(2026, 11, 17, 9, 15)},
		{"November 17, 2026 09:15", ny, utc(2026, 11, 17, 14, 15)},
		{"18 Nov 2026", nil, utc(2026, 11, 18, 0, 0)},
		{"2026-11-16", nil, utc(2026, 11, 16, 0, 0)},
		{"Updated: Aug 16, 2018", nil, utc(2018, 8, 16, 0, 0)},
		{"Published: 7 June 2023", nil, utc(2023, 6, 7, 0, 0)},
		{"Last updated on 2026-11-16", nil, utc(2026, 11, 16, 0, 0)},
		{"Posted on Thursday, 16 August 2018", nil, utc(2018, 8, 16, 0, 0)},
		{"  16   August\t2018 ", nil, utc(2018, 8, 16, 0, 0)},
		{"3 hours ago", nil, utc(2026, 11, 20, 9, 0)},
		{"an hour ago", nil, utc(2026, 11, 20, 11, 0)},
		{"45 minutes ago", nil, utc(2026, 11, 20, 11, 15)},
		{"2 days ago", nil, utc(2026, 11, 18, 0, 0)},
		{"1 week ago", nil, utc(2026, 11, 13, 0, 0)},
		{"3 months ago", nil, utc(2026, 8, 20, 0, 0)},
		{"a year ago", nil, utc(2025, 11, 20, 0, 0)},
		{"5h ago", nil, utc(2026, 11, 20, 7, 0)},
		{"Yesterday", nil, utc(2026, 11, 19, 0, 0)},
		{"Yesterday", plus8, utc(2026, 11, 18, 16, 0)},
		{"Updated: 2 days ago", nil, utc(2026, 11, 18, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, tt.loc, now)
		if err != nil {
			t.Errorf("ParseDate(%q) error: %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q, %v) = %v, want %v in UTC", tt.in, tt.loc, got, tt.want)
		}
	}
}

// TestParseDateRelativeStable checks that a relative date read on two
// fetches a little apart gives the same time, so the item is not seen as
// updated on every fetch.
func TestParseDateRelativeStable(t *testing.T) {
	india := time.FixedZone("IST", 5*3600+1800)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	at := func(loc *time.Location, y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, loc)
	}
	tests := []struct {
		in         string
		loc        *time.Location
		now1, now2 time.Time
		want       time.Time
	}{
		{"yesterday", nil, at(time.UTC, 2026, 11, 26, 17, 13, 50), at(time.UTC, 2026, 11, 26, 17, 14, 33), at(time.UTC, 2026, 11, 25, 0, 0, 0)},
		{"3 hours ago", nil, at(time.UTC, 2026, 11, 26, 17, 2, 0), at(time.UTC, 2026, 11, 26, 17, 58, 59), at(time.UTC, 2026, 11, 26, 14, 0, 0)},
		{"5 minutes ago", nil, at(time.UTC, 2026, 11, 26, 17, 2, 1), at(time.UTC, 2026, 11, 26, 17, 2, 58), at(time.UTC, 2026, 11, 26, 16, 57, 0)},
		{"30 seconds ago", nil, at(time.UTC, 2026, 11, 26, 17, 2, 1), at(time.UTC, 2026, 11, 26, 17, 2, 1).Add(900 * time.Millisecond), at(time.UTC, 2026, 11, 26, 17, 1, 31)},
		{"2 days ago", nil, at(time.UTC, 2026, 11, 26, 0, 0, 1), at(time.UTC, 2026, 11, 26, 23, 59, 59), at(time.UTC, 2026, 11, 24, 0, 0, 0)},
		{"2 weeks ago", nil, at(time.UTC, 2026, 11, 26, 1, 0, 0), at(time.UTC, 2026, 11, 26, 22, 0, 0), at(time.UTC, 2026, 11, 12, 0, 0, 0)},
		{"3 months ago", nil, at(time.UTC, 2026, 11, 26, 1, 0, 0), at(time.UTC, 2026, 11, 26, 22, 0, 0), at(time.UTC, 2026, 8, 26, 0, 0, 0)},
		{"a year ago", nil, at(time.UTC, 2026, 11, 26, 1, 0, 0), at(time.UTC, 2026, 11, 26, 22, 0, 0), at(time.UTC, 2025, 11, 26, 0, 0, 0)},
		{"just now", nil, at(time.UTC, 2026, 11, 26, 17, 2, 1), at(time.UTC, 2026, 11, 26, 17, 2, 59), at(time.UTC, 2026, 11, 26, 17, 2, 0)},
		{"today", nil, at(time.UTC, 2026, 11, 26, 1, 0, 0), at(time.UTC, 2026, 11, 26, 22, 0, 0), at(time.UTC, 2026, 11, 26, 0, 0, 0)},
		// The day starts at midnight in the source's zone, not in UTC.
		{"yesterday", ny, at(ny, 2026, 11, 26, 1, 0, 0), at(ny, 2026, 11, 26, 23, 0, 0), at(ny, 2026, 11, 25, 0, 0, 0)},
		{"an hour ago", india, at(india, 2026, 11, 26, 10, 5, 0), at(india, 2026, 11, 26, 10, 55, 0), at(india, 2026, 11, 26, 9, 0, 0)},
		// Across the end of DST (1 November 2026 in New York), days stay calendar days.
		{"2 days ago", ny, at(ny, 2026, 11, 2, 0, 30, 0), at(ny, 2026, 11, 2, 23, 30, 0), at(ny, 2026, 10, 31, 0, 0, 0)},
	}
	for _, tt := range tests {
		for _, now := range []time.Time{tt.now1, tt.now2} {
			got, err := ParseDate(tt.in, tt.loc, now)
			if err != nil {
				t.Errorf("ParseDate(%q, now=%v): %v", tt.in, now, err)
				continue
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q, %v, now=%v) = %v, want %v", tt.in, tt.loc, now, got, tt.want.UTC())
			}
		}
	}
}

func TestParseDateErrors(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"", "   ", "hello", "Updated:", "2018", "12", "By Ren Qi",
		"Aug 16, 2018 By Ren Qi", "three hours ago", "3 fortnights ago", "ago",
		"2026-13-45", "\x00\xff",
	} {
		if got, err := ParseDate(in, nil, now); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Aug 16, 2018", "2025-09-14 16:20", "3 hours ago", "Updated: 7 June 2023", "yesterday", "99999999999 days ago", "2006-01-02T15:04:05+25:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s, time.FixedZone("X", 3600), now)
		if err == nil && got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, not UTC", s, got)
		}
	})
}
