package server

import (
	"net/http"
	"slices"

	"github.com/tributaryfeeds/tributary/feeds"
)

// notModified reports whether a GET or HEAD for rd may be answered 304.
// If-None-Match, when present, decides alone (RFC 9110 section 13.2.2);
// otherwise If-Modified-Since is compared with Last-Modified.
//
// If-None-Match matches the tag of either coding: both bodies are the same
// content, and a cache holding one should not fetch the feed again because
// it now asks for the other.
func notModified(h http.Header, rd *feeds.Rendered, hs *headerSet) bool {
	if inm := h["If-None-Match"]; len(inm) > 0 {
		return etagListMatches(inm, rd.ETag, first(hs.gzipETag))
	}
	ims := h["If-Modified-Since"]
	if len(ims) == 0 || rd.LastModified.IsZero() {
		return false
	}
	// Clients echo our own Last-Modified: spare them the date parse.
	if ims[0] == rd.LastModifiedHTTP {
		return true
	}
	t, err := http.ParseTime(ims[0])
	if err != nil {
		return false
	}
	return !rd.LastModified.After(t)
}

// first is the header value of a precomputed slice, or "".
func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// etagListMatches reports whether any entity tag in the If-None-Match
// header values matches one of etags (empty ones are skipped) by weak
// comparison, or the list is "*" and there is a tag.
func etagListMatches(values []string, etags ...string) bool {
	if !slices.ContainsFunc(etags, func(e string) bool { return e != "" }) {
		return false
	}
	for _, v := range values {
		for {
			v = skipListSeparators(v)
			if v == "" {
				break
			}
			if v[0] == '*' {
				return true
			}
			tag, rest, ok := scanETag(v)
			if !ok {
				break // malformed: ignore the rest of this header line
			}
			if matchesAny(opaque(tag), etags) {
				return true
			}
			v = rest
		}
	}
	return false
}

// matchesAny reports whether the opaque tag is one of etags.
func matchesAny(tag string, etags []string) bool {
	for _, e := range etags {
		if e != "" && opaque(e) == tag {
			return true
		}
	}
	return false
}

// scanETag reads one entity tag (W/"x" or "x") from the start of s.
func scanETag(s string) (tag, rest string, ok bool) {
	start := 0
	if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return "", "", false
	}
	for i := start + 1; i < len(s); i++ {
		if s[i] == '"' {
			return s[:i+1], s[i+1:], true
		}
	}
	return "", "", false
}

// opaque drops the weak prefix: weak comparison ignores it.
func opaque(tag string) string {
	if len(tag) >= 2 && tag[0] == 'W' && tag[1] == '/' {
		return tag[2:]
	}
	return tag
}

func skipListSeparators(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
		s = s[1:]
	}
	return s
}
