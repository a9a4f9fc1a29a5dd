package feeds

import (
	"net/url"
	"strings"
)

// canonicalLink normalises a link for deduplication: scheme and host
// lower-cased, default port dropped, utm_* query parameters and the fragment
// removed. The path, including a trailing slash, is kept as is because
// servers may treat /a and /a/ differently. Unparseable or relative links are
// returned trimmed.
func canonicalLink(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return link
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = dropUTM(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// dropUTM removes utm_* parameters, keeping the others in their order.
func dropUTM(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" || strings.HasPrefix(strings.ToLower(p), "utm_") {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}
