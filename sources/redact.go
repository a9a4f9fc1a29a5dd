package sources

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// redactedLen bounds the text Redact keeps of input it cannot parse.
const redactedLen = 60

// Redact returns rawURL fit for an error message, a warning or a log line,
// which may end up on the public status page: a userinfo password becomes
// "***" (as url.URL.Redacted does), every query value becomes "***" (names
// stay, they help debugging; a parameter without "=" is hidden whole, since
// it may itself be a token) and the fragment is dropped. Input that does not
// parse loses its userinfo, query and fragment and is cut short.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return redactUnparsed(rawURL)
	}
	_, hasPassword := u.User.Password()
	if hasPassword {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	u.ForceQuery = false
	s := u.String()
	if hasPassword {
		// String escapes the stars; the userinfo comes first, so the first
		// match is the password.
		s = strings.Replace(s, ":%2A%2A%2A@", ":***@", 1)
	}
	return s
}

// redactQuery keeps the parameter names of a raw query, in order.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, ok := strings.Cut(p, "=")
		switch {
		case p == "":
		case ok:
			parts[i] = name + "=***"
		default:
			parts[i] = "***"
		}
	}
	return strings.Join(parts, "&")
}

// redactUnparsed drops whatever might hold a secret from text that is not a
// URL: everything from the first '?' or '#', the userinfo, and the tail
// beyond redactedLen bytes.
func redactUnparsed(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	rest, scheme := s, ""
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	authority := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		rest = "***@" + rest[i+1:]
	}
	s = scheme + rest
	if len(s) > redactedLen {
		cut := redactedLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "")
}

// stripURLError returns the error a *url.Error wraps: net/http puts the
// request URL, with its query, into the message, and the callers name the
// URL themselves, redacted.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
