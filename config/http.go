package config

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// HTTP is a source's own request options (sources[].http): they are sent
// with every request of the source to its own host, and never anywhere
// else. ${VAR} works in all of them; their values are secrets.
type HTTP struct {
	Headers   map[string]string `yaml:"headers"`
	Cookies   map[string]string `yaml:"cookies"`
	BasicAuth *BasicAuth        `yaml:"basic_auth"`
	// Proxy is an http://, https:// or socks5:// URL.
	Proxy string `yaml:"proxy"`
}

// BasicAuth is HTTP Basic authentication.
type BasicAuth struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// HTTPOptions is a compiled HTTP: what the client adds to a source's
// requests.
type HTTPOptions struct {
	// Header holds the configured headers, canonical names.
	Header http.Header
	// Cookies are sent in the Cookie header, sorted by name.
	Cookies []*http.Cookie
	// Username and Password are for Basic authentication when HasAuth.
	HasAuth            bool
	Username, Password string
	// Proxy is the proxy for the source's requests; nil: none (the
	// environment's proxy settings stay in force).
	Proxy *url.URL
	// Secrets are the values that must never be shown: header and cookie
	// values, the password and the proxy's password, longest first.
	Secrets []string
}

// Redact replaces every secret of o in s with "[redacted]".
func (o *HTTPOptions) Redact(s string) string {
	if o == nil {
		return s
	}
	for _, v := range o.Secrets {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	return s
}

// validateHTTP checks and compiles s.HTTP; p is the source's path.
func (s *Source) validateHTTP(v *validator, p path) {
	h := s.HTTP
	if h == nil {
		return
	}
	hp := p.with("http")
	if s.Kind == KindFiles {
		v.errorf(hp, "only for kinds that fetch over HTTP (feed, html, json)")
		return
	}
	o := &HTTPOptions{Header: make(http.Header)}
	var secrets []string
	for _, name := range sortedKeys(h.Headers) {
		val := h.Headers[name]
		switch {
		case !httpguts.ValidHeaderFieldName(name):
			v.errorf(hp.with("headers", name), "invalid header name %q", name)
		case !httpguts.ValidHeaderFieldValue(val):
			// The value is a secret: it is not quoted.
			v.errorf(hp.with("headers", name), "the value contains characters a header cannot carry (line breaks, control characters)")
		case http.CanonicalHeaderKey(name) == "Cookie":
			v.errorf(hp.with("headers", name), "use http.cookies for cookies")
		case isHopHeader(name):
			v.errorf(hp.with("headers", name), "%s is set by the client itself", http.CanonicalHeaderKey(name))
		default:
			o.Header.Set(name, val)
			secrets = append(secrets, val)
		}
	}
	for _, name := range sortedKeys(h.Cookies) {
		c := &http.Cookie{Name: name, Value: h.Cookies[name]}
		if err := c.Valid(); err != nil || strings.ContainsAny(c.Value, ";\r\n") {
			v.errorf(hp.with("cookies", name), "invalid cookie name or value (a cookie value is a token without ; or spaces)")
			continue
		}
		o.Cookies = append(o.Cookies, c)
		secrets = append(secrets, c.Value)
	}
	if a := h.BasicAuth; a != nil {
		switch {
		case a.Username == "":
			v.errorf(hp.with("basic_auth", "username"), "required")
		case strings.Contains(a.Username, ":"):
			v.errorf(hp.with("basic_auth", "username"), "must not contain ':'")
		default:
			o.HasAuth, o.Username, o.Password = true, a.Username, a.Password
			secrets = append(secrets, a.Password)
		}
	}
	if h.Proxy != "" {
		u, err := url.Parse(h.Proxy)
		switch {
		case err != nil || u.Host == "":
			v.errorf(hp.with("proxy"), "not a proxy URL (want http://, https:// or socks5://host:port)")
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
			v.errorf(hp.with("proxy"), "unsupported proxy scheme %q (want http, https or socks5)", u.Scheme)
		default:
			o.Proxy = u
			if pw, ok := u.User.Password(); ok {
				secrets = append(secrets, pw, url.QueryEscape(pw))
			}
		}
	}
	for _, sec := range secrets {
		// A one-character "secret" would redact every message into
		// nonsense and hides nothing worth hiding.
		if len(sec) >= 3 && !slices.Contains(o.Secrets, sec) {
			o.Secrets = append(o.Secrets, sec)
		}
	}
	slices.SortFunc(o.Secrets, func(a, b string) int { return len(b) - len(a) })
	s.Compiled.HTTP = o
}

// isHopHeader reports the headers the client manages: overriding them
// would break conditional requests, compression or the size cap.
func isHopHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Host", "Content-Length", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "Connection", "Transfer-Encoding":
		return true
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// String describes o without its secrets, for check's summary.
func (o *HTTPOptions) String() string {
	if o == nil {
		return ""
	}
	var parts []string
	for name := range o.Header {
		parts = append(parts, "header "+name)
	}
	slices.Sort(parts)
	for _, c := range o.Cookies {
		parts = append(parts, "cookie "+c.Name)
	}
	if o.HasAuth {
		parts = append(parts, "basic auth "+o.Username)
	}
	if o.Proxy != nil {
		parts = append(parts, fmt.Sprintf("proxy %s://%s", o.Proxy.Scheme, o.Proxy.Host))
	}
	return strings.Join(parts, ", ")
}
