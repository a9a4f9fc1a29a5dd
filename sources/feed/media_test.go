package feed

import "testing"

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"", 0}, {"95", 95}, {" 95 ", 95}, {"1834.6", 1835}, {"05:30", 330}, {"1:02:05", 3725},
		{"01:02:05", 3725}, {"1:75", 0}, {"1:2:3:4", 0}, {"-5", 0}, {"abc", 0}, {"1.5:00", 0},
		{"NaN", 0}, {"Inf", 0}, {"99999999999", 0}, {"1000:00:00", 3_600_000}, {"1000:00:01", 0},
	}
	for _, tt := range tests {
		if got := parseDuration(tt.in); got != tt.want {
			t.Errorf("parseDuration(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseExplicit(t *testing.T) {
	for in, want := range map[string]string{"yes": "true", "Yes": "true", "explicit": "true", "true": "true",
		"no": "false", "clean": "false", "false": "false", "": "", "maybe": ""} {
		if got := parseExplicit(in); got != want {
			t.Errorf("parseExplicit(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"95", "1:02:05", "05:30", "1834.5", "1:75", "-1", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := parseDuration(s); got < 0 || got > maxDuration {
			t.Fatalf("parseDuration(%q) = %d, out of [0, %d]", s, got, maxDuration)
		}
	})
}
