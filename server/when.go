package server

import (
	"fmt"
	"time"
)

// when is a time as the pages show it: relative ("3 hours ago") with the
// exact time for the title attribute and a machine-readable datetime.
type when struct {
	Zero  bool   // no time: the template says "never"
	Rel   string // "3 hours ago", "in 5 minutes"
	Exact string // "Sun, 29 Nov 2026 06:50 UTC"
	ISO   string // RFC 3339, UTC
}

// whenOf describes t relative to now.
func whenOf(t, now time.Time) when {
	if t.IsZero() {
		return when{Zero: true}
	}
	t = t.UTC()
	return when{Rel: relative(t, now), Exact: t.Format("Mon, 2 Jan 2006 15:04:05 MST"), ISO: t.Format(time.RFC3339)}
}

// relative says how far t is from now in words, coarsely, so that the text
// (and so a page's ETag) changes rarely.
func relative(t, now time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < 45*time.Second:
		if future {
			return "in a moment"
		}
		return "just now"
	case d < 90*time.Second:
		s = "1 minute"
	case d < 45*time.Minute:
		s = plural(int(d/time.Minute), "minute")
	case d < 90*time.Minute:
		s = "1 hour"
	case d < 22*time.Hour:
		s = plural(int((d+30*time.Minute)/time.Hour), "hour")
	case d < 36*time.Hour:
		s = "1 day"
	case d < 26*24*time.Hour:
		s = plural(int((d+12*time.Hour)/(24*time.Hour)), "day")
	case d < 45*24*time.Hour:
		s = "1 month"
	case d < 320*24*time.Hour:
		s = plural(int((d+15*24*time.Hour)/(30*24*time.Hour)), "month")
	case d < 548*24*time.Hour:
		s = "1 year"
	default:
		s = plural(int((d+182*24*time.Hour)/(365*24*time.Hour)), "year")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// span writes a duration for people: "2 days", "36 hours", "90 minutes",
// "45 seconds"; the largest unit that divides it, so "48h" reads "2 days".
func span(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return d.String()
}

// took writes a fetch duration: "340 ms", "2.4 s".
func took(d time.Duration) string {
	if d < time.Millisecond {
		return "<1 ms"
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
