package sources

import (
	"net/url"
	"strings"
)

// ResolveURL makes ref absolute against base (nil: ref must be absolute
// already) and returns it when it is a web address: http or https with a
// host. Anything else (empty, unparsable, javascript:, data:, mailto:, or
// relative without a base) yields "", so callers never publish a link a
// reader cannot follow.
func ResolveURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if !IsWebURL(u) {
		return ""
	}
	return u.String()
}

// IsWebURL reports whether u is an absolute http or https URL with a host.
func IsWebURL(u *url.URL) bool {
	return u != nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// ResolveSrcset resolves each candidate URL of a srcset attribute
// ("a.jpg 1x, b.jpg 2x") with ResolveURL, keeping its descriptors and
// dropping candidates that do not resolve. It returns "" when none is left.
func ResolveSrcset(base *url.URL, srcset string) string {
	var out []string
	for _, cand := range strings.Split(srcset, ",") {
		fields := strings.Fields(cand)
		if len(fields) == 0 {
			continue
		}
		abs := ResolveURL(base, fields[0])
		if abs == "" {
			continue
		}
		fields[0] = abs
		out = append(out, strings.Join(fields, " "))
	}
	return strings.Join(out, ", ")
}
