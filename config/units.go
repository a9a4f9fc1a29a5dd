package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ParseDuration parses a Go duration ("20s", "1h30m") or a whole number of
// days, optionally followed by a Go duration ("30d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	days, rest, ok := strings.Cut(s, "d")
	if !ok {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 20s, 30m, 720h, 30d)", s)
		}
		return d, nil
	}
	neg := strings.HasPrefix(days, "-")
	n, err := strconv.ParseUint(strings.TrimPrefix(days, "-"), 10, 32)
	if err != nil || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
		return 0, fmt.Errorf("invalid duration %q (want e.g. 20s, 30m, 720h, 30d)", s)
	}
	const maxDays = math.MaxInt64 / int64(24*time.Hour)
	if int64(n) > maxDays {
		return 0, fmt.Errorf("invalid duration %q: too large", s)
	}
	d := time.Duration(n) * 24 * time.Hour
	if rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 20s, 30m, 720h, 30d)", s)
		}
		if r > math.MaxInt64-d {
			return 0, fmt.Errorf("invalid duration %q: too large", s)
		}
		d += r
	}
	if neg {
		d = -d
	}
	return d, nil
}

// UnmarshalYAML reads a duration such as "20s" or "30d".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := decodeScalar(n, "a duration such as 20s or 720h", ParseDuration)
	if err != nil {
		return err // the default stays
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration in Go notation.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String returns the duration in Go notation, e.g. "20s".
func (d Duration) String() string { return time.Duration(d).String() }

// Byte multipliers by lower-case unit; decimal and binary units both exist
// because users write either.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize parses a byte count such as "10MiB", "512KiB", "10MB", "5B" or
// "1000". Units are case-insensitive.
func ParseSize(s string) (Size, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.' && r != '-' && r != '+'
	})
	if i < 0 {
		i = len(s)
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	mult, ok := sizeUnits[unit]
	if !ok || num == "" {
		return 0, fmt.Errorf("invalid size %q (want e.g. 10MiB, 512KiB, 1GB or a number of bytes)", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q (want e.g. 10MiB, 512KiB, 1GB or a number of bytes)", s)
	}
	if f < 0 {
		return 0, fmt.Errorf("invalid size %q: must not be negative", s)
	}
	v := f * mult
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return Size(v), nil
}

// UnmarshalYAML reads a size such as "10MiB" or 1000.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := decodeScalar(n, "a size such as 10MiB", ParseSize)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// MarshalYAML writes the size as String does.
func (s Size) MarshalYAML() (any, error) { return s.String(), nil }

// String returns the size in the largest binary unit that divides it
// exactly, e.g. "10MiB", or in bytes, e.g. "1000B".
func (s Size) String() string {
	for _, u := range []struct {
		name string
		n    Size
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s != 0 && s%u.n == 0 {
			return strconv.FormatInt(int64(s/u.n), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10) + "B"
}

// decodeScalar parses the scalar n with parse; a mapping or list is
// reported as not being what was expected (want).
func decodeScalar[T any](n *yaml.Node, want string, parse func(string) (T, error)) (T, error) {
	if n.Kind != yaml.ScalarNode {
		var zero T
		return zero, typeError(n, "expected "+want)
	}
	v, err := parse(n.Value)
	if err != nil {
		return v, typeError(n, err.Error())
	}
	return v, nil
}

// typeError reports a bad value the way yaml.v3 does, so that the decoder
// collects it with the others and its line survives.
func typeError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}
