package server

import (
	"net/http"

	"github.com/tributaryfeeds/tributary/feeds"
)

// notModified reports whether a GET or HEAD for rd may be answered 304.
// If-None-Match, when present, decides alone (RFC 9110 section 13.2.2);
// otherwise If-Modified-Since is compared with Last-Modified.
func notModified(h http.Header, rd *feeds.Rendered) bool {
	if inm := h["If-None-Match"]; len(inm) > 0 {
		return etagListMatches(inm, rd.ETag)
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

// etagListMatches reports whether any entity tag in the If-None-Match
// header values matches etag by weak comparison, or the list is "*".
func etagListMatches(values []string, etag string) bool {
	if etag == "" {
		return false
	}
	own := opaque(etag)
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
			if opaque(tag) == own {
				return true
			}
			v = rest
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
