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
