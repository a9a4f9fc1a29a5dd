package server

import (
	"strings"

	"github.com/tributaryfeeds/tributary/feeds"
)

// listElem is one element of a comma-separated header such as Accept or
// Accept-Encoding: its value (media range or coding) and its weight in
// thousandths (q=0.5 is 500), so that no float parsing is needed.
type listElem struct {
	value string
	q     int
}

// listIter walks the elements of several header values without allocating.
type listIter struct {
	values []string
	cur    string
}

func (it *listIter) next() (listElem, bool) {
	for {
		for it.cur == "" {
			if len(it.values) == 0 {
				return listElem{}, false
			}
			it.cur, it.values = it.values[0], it.values[1:]
		}
		var elem string
		elem, it.cur, _ = strings.Cut(it.cur, ",")
		value, params, _ := strings.Cut(elem, ";")
		value = strings.TrimSpace(value)
		if value == "" {
			continue
		}
		return listElem{value: value, q: weight(params)}, true
	}
}

// weight returns the q parameter among params in thousandths; 1000 when
// absent, 0 when malformed so that a garbled element is never preferred.
func weight(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && (name == "q" || name == "Q") {
			return parseQ(strings.TrimSpace(val))
		}
	}
	return 1000
}

// parseQ parses a qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"].
func parseQ(s string) int {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q
	}
	if s[1] != '.' || len(s) > 5 {
		return 0
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		q += int(s[i]-'0') * scale
		scale /= 10
	}
	return min(q, 1000)
}

// acceptsGzip reports whether Accept-Encoding allows gzip: an explicit
// gzip (or x-gzip) with q > 0, else a "*" with q > 0.
func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1, -1
	it := listIter{values: values}
	for e, ok := it.next(); ok; e, ok = it.next() {
		switch {
		case strings.EqualFold(e.value, "gzip"), strings.EqualFold(e.value, "x-gzip"):
			gzipQ = max(gzipQ, e.q)
		case e.value == "*":
			starQ = max(starQ, e.q)
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// Specificity of the media range that gave a format its weight.
const (
	unmatched = iota
	anyType   // */*
	anySub    // application/*
	exact
)

type preference struct{ q, spec int }

// better reports whether p beats o: higher weight, then a more specific
// range (a named type beats the wildcard it came with).
func (p preference) better(o preference) bool {
	return p.q > o.q || (p.q == o.q && p.spec > o.spec)
}

// negotiate picks a feed format from Accept header values: the highest
// weighted, the most specific on a tie, Atom on a full tie or when the
// client accepts none of them (a feed reader should get a feed, not 406).
func negotiate(accept []string) feeds.Format {
	f, _ := negotiatePref(accept)
	return f
}

// negotiatePref is negotiate that also returns the winner's preference.
func negotiatePref(accept []string) (feeds.Format, preference) {
	var prefs [3]preference // indexed by feeds.RSS, feeds.Atom, feeds.JSON
	it := listIter{values: accept}
	for e, ok := it.next(); ok; e, ok = it.next() {
		switch {
		case e.value == "*/*":
			for i := range prefs {
				prefs[i] = pick(prefs[i], e.q, anyType)
			}
		case strings.EqualFold(e.value, "application/*"):
			for i := range prefs {
				prefs[i] = pick(prefs[i], e.q, anySub)
			}
		case strings.EqualFold(e.value, "application/rss+xml"):
			prefs[feeds.RSS] = pick(prefs[feeds.RSS], e.q, exact)
		case strings.EqualFold(e.value, "application/atom+xml"):
			prefs[feeds.Atom] = pick(prefs[feeds.Atom], e.q, exact)
		case strings.EqualFold(e.value, "application/feed+json"),
			strings.EqualFold(e.value, "application/json"):
			prefs[feeds.JSON] = pick(prefs[feeds.JSON], e.q, exact)
		}
	}
	best, bestPref := feeds.Atom, prefs[feeds.Atom]
	for _, f := range [...]feeds.Format{feeds.RSS, feeds.JSON} {
		if prefs[f].better(bestPref) {
			best, bestPref = f, prefs[f]
		}
	}
	if bestPref.q == 0 {
		return feeds.Atom, bestPref
	}
	return best, bestPref
}

// pick applies RFC 9110's rule that the most specific matching range sets
// a format's weight, whatever the order in the header.
func pick(cur preference, q, spec int) preference {
	if spec > cur.spec || (spec == cur.spec && q > cur.q) {
		return preference{q: q, spec: spec}
	}
	return cur
}
