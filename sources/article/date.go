package article

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/itlightning/dateparse"
)

// errNoDate is returned for empty input and for strings that are only a
// number too short to be a date (a bare year or a count).
var errNoDate = errors.New("no date")

// datePrefixes are labels that pages put before a date. They are matched
// case-insensitively and longest first, so "last updated" wins over "updated".
var datePrefixes = []string{
	"last updated on", "last updated:", "last updated", "last modified:", "last modified",
	"updated on", "updated:", "updated", "published on", "published:", "published",
	"posted on", "posted:", "posted", "date:", "on",
}

// ParseDate parses a date leniently: RFC 3339 and RFC 1123, forms such as
// "Aug 16, 2018", "16 August 2018", "2025-09-14 16:20" and "18 Nov 2026",
// labels such as "Updated:" before the date, and relative forms such as
// "3 hours ago" and "yesterday", which count back from now and are
// truncated to their unit (the hour, the day in loc) so that they do not
// drift from one fetch to the next. A date without a zone is read in loc
// (UTC when loc is nil). The result is in UTC.
func ParseDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = trimDateLabel(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return time.Time{}, errNoDate
	}
	if t, ok := parseRelative(strings.ToLower(s), loc, now); ok {
		return t.UTC(), nil
	}
	if isDigits(s) && len(s) < 8 {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, errNoDate)
	}
	t, err := dateparse.ParseIn(s, loc, dateparse.RetryAmbiguousDateWithSwap(true))
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t.UTC(), nil
}

// trimDateLabel removes a leading label such as "Updated:" and surrounding
// punctuation that is not part of the date.
func trimDateLabel(s string) string {
	for {
		lower := strings.ToLower(s)
		trimmed := false
		for _, p := range datePrefixes {
			if strings.HasPrefix(lower, p) && (len(s) == len(p) || !isWordByte(s[len(p)]) || strings.HasSuffix(p, ":")) {
				s = strings.TrimSpace(s[len(p):])
				trimmed = true
				break
			}
		}
		s = strings.TrimFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(":|-–—·•,", r)
		})
		if !trimmed {
			return s
		}
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// relativeUnits maps the unit words of "N units ago" to durations and to
// the granularity the result is truncated to; months and years are handled
// by calendar arithmetic instead.
var relativeUnits = map[string]struct{ d, grain time.Duration }{
	"second": {time.Second, time.Second}, "sec": {time.Second, time.Second}, "s": {time.Second, time.Second},
	"minute": {time.Minute, time.Minute}, "min": {time.Minute, time.Minute}, "m": {time.Minute, time.Minute},
	"hour": {time.Hour, time.Hour}, "hr": {time.Hour, time.Hour}, "h": {time.Hour, time.Hour},
	"day": {day, day}, "d": {day, day},
	"week": {7 * day, day}, "wk": {7 * day, day}, "w": {7 * day, day},
}

const day = 24 * time.Hour

// parseRelative reads "just now", "today", "yesterday" and "N units ago".
// s must be lower case with single spaces. A page says "3 hours ago" for a
// whole hour, so the result is truncated to the unit in loc ("3 hours ago"
// is the start of that hour, "2 days ago" the start of that day): the
// same text fetched a minute later gives the same time, and the item is
// not seen as updated on every fetch.
func parseRelative(s string, loc *time.Location, now time.Time) (time.Time, bool) {
	switch s {
	case "just now", "now", "moments ago", "a moment ago":
		return truncate(now, time.Minute, loc), true
	case "today":
		return truncate(now, day, loc), true
	case "yesterday":
		return truncate(now.In(loc).AddDate(0, 0, -1), day, loc), true
	}
	rest, ok := strings.CutSuffix(s, " ago")
	if !ok {
		return time.Time{}, false
	}
	num, unit, ok := splitCount(rest)
	if !ok || num < 0 || num > 100000 {
		return time.Time{}, false
	}
	unit = strings.TrimSuffix(unit, "s")
	switch unit {
	case "month", "mo", "mon":
		return truncate(now.In(loc).AddDate(0, -num, 0), day, loc), true
	case "year", "yr", "y":
		return truncate(now.In(loc).AddDate(-num, 0, 0), day, loc), true
	}
	u, ok := relativeUnits[unit]
	if !ok {
		return time.Time{}, false
	}
	if u.grain == day {
		// Calendar days, so a DST change does not shift the result by an hour.
		return truncate(now.In(loc).AddDate(0, 0, -num*int(u.d/day)), day, loc), true
	}
	return truncate(now.Add(-time.Duration(num)*u.d), u.grain, loc), true
}

// truncate rounds t down to the start of its second, minute, hour or day
// as read on a clock in loc, which matters for zones with a half-hour offset
// and for days.
func truncate(t time.Time, grain time.Duration, loc *time.Location) time.Time {
	t = t.In(loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	switch grain {
	case day:
		h, mi, s = 0, 0, 0
	case time.Hour:
		mi, s = 0, 0
	case time.Minute:
		s = 0
	}
	return time.Date(y, mo, d, h, mi, s, 0, loc)
}

// splitCount splits "3 hours", "3hours", "an hour" or "a day" into a count
// and a unit word.
func splitCount(s string) (int, string, bool) {
	if num, unit, ok := strings.Cut(s, " "); ok {
		if num == "a" || num == "an" || num == "one" {
			return 1, unit, true
		}
		n, err := strconv.Atoi(num)
		return n, unit, err == nil && !strings.Contains(unit, " ")
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}
