package article

import (
	"strings"
	"time"
	"unicode"

	"github.com/tributaryfeeds/tributary/sources"
)

// ParseByline reads the authors out of a byline as listing pages show it:
// "By Anna Berg", "by Anna Berg and Li Wei, Geneva", "Written by A | 3 hours
// ago" or a bare "Anna Berg ·". The "By", a place or publication after the
// names, dates and trailing separators are dropped.
func ParseByline(s string) []sources.Author {
	s = strings.TrimFunc(collapse(s), isBylineEdge)
	if s == "" {
		return nil
	}
	// No clock: a date in the line only has to be recognised, not read.
	if d := parseDateline(s, nil, time.Time{}, ""); len(d.authors) > 0 {
		return d.authors
	}
	return parseAuthors(s)
}

// isBylineEdge reports the separators and spaces that pages put around a
// byline.
func isBylineEdge(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("|·•—–-,;:/", r)
}
