package config

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    Size
		wantErr string
	}{
		{"10MiB", 10 << 20, ""},
		{"512KiB", 512 << 10, ""},
		{"1GiB", 1 << 30, ""},
		{"10MB", 10e6, ""},
		{"1000", 1000, ""},
		{"5B", 5, ""},
		{"10mib", 10 << 20, ""},
		{"2 kb", 2000, ""},
		{"1.5KiB", 1536, ""},
		{"0", 0, ""},
		{"-5MiB", 0, "must not be negative"},
		{"MiB", 0, "invalid size"},
		{"10 parsecs", 0, "invalid size"},
		{"", 0, "invalid size"},
		{"1..2", 0, "invalid size"},
		{"99999999TiB", 0, "too large"},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSize(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestSizeString(t *testing.T) {
	tests := []struct {
		in   Size
		want string
	}{{10 << 20, "10MiB"}, {512 << 10, "512KiB"}, {1000, "1000B"}, {0, "0B"}, {3 << 30, "3GiB"}, {1536, "1536B"}}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Size(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		back, err := ParseSize(tt.want)
		if err != nil || back != tt.in {
			t.Errorf("ParseSize(%q) = %d, %v, want round trip", tt.want, back, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"20s", 20 * time.Second, true},
		{"720h", 720 * time.Hour, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"-2d", -48 * time.Hour, true},
		{"d", 0, false},
		{"1d-1h", 0, false},
		{"soon", 0, false},
		{"99999999999d", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestUnitsYAML(t *testing.T) {
	var v struct {
		D Duration `yaml:"d"`
		S Size     `yaml:"s"`
	}
	if err := yaml.Unmarshal([]byte("d: 30d\ns: 512KiB\n"), &v); err != nil {
		t.Fatal(err)
	}
	if time.Duration(v.D) != 720*time.Hour || v.S != 512<<10 {
		t.Errorf("got %v %v", v.D, v.S)
	}
	out, err := yaml.Marshal(v)
	if err != nil || string(out) != "d: 720h0m0s\ns: 512KiB\n" {
		t.Errorf("Marshal = %q, %v", out, err)
	}
	err = yaml.Unmarshal([]byte("d: [1]\ns: {a: 1}\n"), &v)
	if err == nil || !strings.Contains(err.Error(), "line 1: expected a duration") ||
		!strings.Contains(err.Error(), "line 2: expected a size") {
		t.Errorf("err = %v, want both lines reported", err)
	}
}
