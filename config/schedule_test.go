package config

import (
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	from := time.Date(2025, 3, 1, 10, 7, 0, 0, time.UTC)
	tests := []struct {
		spec string
		next time.Time // zero: want an error
	}{
		{"*/15 * * * *", time.Date(2025, 3, 1, 10, 15, 0, 0, time.UTC)},
		{"@hourly", time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)},
		{"@every 30m", from.Add(30 * time.Minute)},
		{"@every 1d", from.Add(24 * time.Hour)},
		{"  0 6 * * 1  ", time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC)},
		{"CRON_TZ=UTC 0 12 * * *", time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"", time.Time{}},
		{"* * * *", time.Time{}},
		{"0 0 * * * *", time.Time{}}, // seconds are not accepted
		{"61 * * * *", time.Time{}},
		{"@every 0s", time.Time{}},
		{"@every soon", time.Time{}},
		{"@fortnightly", time.Time{}},
		{"TZ=UTC", time.Time{}},
		{"TZ=Nowhere/Land * * * * *", time.Time{}},
		{"*/0 * * * *", time.Time{}},
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.spec)
		if tt.next.IsZero() {
			if err == nil {
				t.Errorf("ParseSchedule(%q) succeeded, want error", tt.spec)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tt.spec, err)
			continue
		}
		if got := s.Next(from); !got.Equal(tt.next) {
			t.Errorf("ParseSchedule(%q).Next = %v, want %v", tt.spec, got, tt.next)
		}
	}
}

// TestParseScheduleUTCAndInterval: wall-clock fields are read in UTC
// unless the spec names a zone, and every schedule carries its interval.
func TestParseScheduleUTCAndInterval(t *testing.T) {
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("X", 5*3600))
	tests := []struct {
		spec     string
		next     time.Time
		interval time.Duration
	}{
		{"0 3 * * *", time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC), 24 * time.Hour},
		{"*/15 * * * *", time.Date(2025, 2, 28, 19, 15, 0, 0, time.UTC), 15 * time.Minute},
		{"@every 90s", from.Add(90 * time.Second), 90 * time.Second},
		{"@daily", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 24 * time.Hour},
		{"0 9 * * 1-5", time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC), 24 * time.Hour}, // the shortest gap
		{"CRON_TZ=Asia/Tokyo 0 9 * * *", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 24 * time.Hour},
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.spec)
		if err != nil {
			t.Fatalf("ParseSchedule(%q): %v", tt.spec, err)
		}
		if got := s.Next(from); !got.Equal(tt.next) {
			t.Errorf("%q: Next = %v, want %v", tt.spec, got, tt.next)
		}
		if s.Interval != tt.interval || s.Spec != tt.spec {
			t.Errorf("%q: interval %v spec %q, want %v", tt.spec, s.Interval, s.Spec, tt.interval)
		}
	}
}
