package main

import (
	"regexp"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// urlPattern finds URLs in text meant for a terminal or a CI log: quoted
// (as config errors quote values, which may hold spaces), else up to the
// first space or quote.
var urlPattern = regexp.MustCompile(`"[A-Za-z][A-Za-z0-9+.-]*://[^"]*"|[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// redactURLs rewrites every URL in s as the daemon writes URLs in logs and
// on the status page (sources.Redact): no userinfo password, no query
// values, no fragment. "tributary check" output and command errors pass
// through it, since a config file's URLs may carry api keys.
func redactURLs(s string) string {
	return urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		if q, ok := strings.CutPrefix(u, `"`); ok {
			return `"` + sources.Redact(strings.TrimSuffix(q, `"`)) + `"`
		}
		return sources.Redact(u)
	})
}

// terminalSafe removes from upstream text what a terminal would act on
// rather than show: escape sequences whole (CSI such as colours and cursor
// moves, OSC such as 52, which writes the clipboard, and 8, which hides a
// link's target), the other C0 controls but tab and newline, DEL, the C1
// controls (U+0080 to U+009F, 0x9B being a one-byte CSI), and the
// bidirectional overrides that make text read other than it is stored.
func terminalSafe(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0x1b:
			i = skipEscape(rs, i)
		case r == 0x9b: // C1 CSI
			i = skipCSI(rs, i+1)
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
			i = skipString(rs, i+1)
		case unsafeRune(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// skipEscape returns the index of the last rune of the escape sequence
// that starts with ESC at i.
func skipEscape(rs []rune, i int) int {
	if i+1 >= len(rs) {
		return i
	}
	switch rs[i+1] {
	case '[':
		return skipCSI(rs, i+2)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: strings
		return skipString(rs, i+2)
	}
	return i + 1 // a two-character sequence
}

// skipCSI skips parameter and intermediate bytes from i up to and
// including the final byte (0x40 to 0x7e).
func skipCSI(rs []rune, i int) int {
	for ; i < len(rs); i++ {
		if rs[i] >= 0x40 && rs[i] <= 0x7e {
			return i
		}
		if rs[i] < 0x20 || rs[i] > 0x7e {
			return i - 1 // malformed: stop before it
		}
	}
	return len(rs) - 1
}

// skipString skips a control string from i up to and including its
// terminator: BEL, ESC \ or the C1 ST (0x9c).
func skipString(rs []rune, i int) int {
	for ; i < len(rs); i++ {
		switch {
		case rs[i] == 0x07 || rs[i] == 0x9c:
			return i
		case rs[i] == 0x1b && i+1 < len(rs) && rs[i+1] == '\\':
			return i + 1
		}
	}
	return len(rs) - 1
}

// oneLine is terminalSafe for one field of a listing: line breaks and tabs
// become spaces, so upstream text cannot fake further lines.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		return r
	}, terminalSafe(s))
}
