package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// WebSub is server.websub: how tributary pushes its feeds.
type WebSub struct {
	// Builtin serves a WebSub hub at /websub for every public feed.
	Builtin bool `yaml:"builtin"`
	// Hubs are external hubs pinged on every change of a feed.
	Hubs []string `yaml:"hubs"`
}

// Enabled reports whether feeds advertise a hub.
func (w WebSub) Enabled() bool { return w.Builtin || len(w.Hubs) > 0 }

// Notify is one webhook of a feed: its new items are posted to URL,
// signed with Secret.
type Notify struct {
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"`
}

// validateWebSub checks server.websub.hubs and the sources' websub flags.
func (c *Config) validateWebSub(v *validator) {
	p := path{"server", "websub", "hubs"}
	if !listShifted(v.root, p, len(c.Server.WebSub.Hubs)) {
		for i, h := range c.Server.WebSub.Hubs {
			if err := checkHTTPURL(h); err != nil {
				v.errorf(p.with(i), "%v", err)
			}
		}
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.WebSub && s.Kind != KindFeed {
			v.errorf(path{"sources", i, "websub"}, "only a feed source can subscribe to a hub (kind is %s)", s.Kind)
		}
	}
}

// validateNotify checks a feed's webhooks. Messages never quote the URL or
// the secret: a webhook URL often carries a token.
func (c *Config) validateNotify(v *validator, f *Feed, p path) {
	np := p.with("notify")
	if listShifted(v.root, np, len(f.Notify)) {
		return
	}
	seen := make(map[string]bool)
	for i, n := range f.Notify {
		u, err := url.Parse(n.URL)
		switch {
		case n.URL == "":
			v.errorf(np.with(i, "url"), "required")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			strings.ContainsFunc(n.URL, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			v.errorf(np.with(i, "url"), "must be an absolute http(s) URL without spaces")
		case seen[n.URL]:
			v.errorf(np.with(i, "url"), "the same webhook twice")
		}
		seen[n.URL] = true
	}
}

// pushSummary is the push line of Summary, "" when nothing pushes. It
// counts hubs and webhooks rather than listing them: their URLs may hold
// tokens.
func (c *Config) pushSummary() string {
	var parts []string
	if c.Server.WebSub.Builtin {
		parts = append(parts, "built-in hub at "+strings.TrimRight(c.Server.BaseURL, "/")+"/websub")
	}
	if n := len(c.Server.WebSub.Hubs); n > 0 {
		parts = append(parts, plural(n, "hub")+" pinged")
	}
	hooks := 0
	for i := range c.Feeds {
		hooks += len(c.Feeds[i].Notify)
	}
	if hooks > 0 {
		parts = append(parts, plural(hooks, "webhook"))
	}
	var subs []string
	for i := range c.Sources {
		if c.Sources[i].WebSub {
			subs = append(subs, c.Sources[i].Name)
		}
	}
	if len(subs) > 0 {
		parts = append(parts, fmt.Sprintf("subscribing for %s", strings.Join(subs, ", ")))
	}
	return strings.Join(parts, "; ")
}

// pushWarnings flags push that cannot work as configured: hubs reach
// tributary at server.base_url, which must not be a loopback address.
func (c *Config) pushWarnings(file string) []string {
	var subs []string
	for i := range c.Sources {
		if c.Sources[i].WebSub {
			subs = append(subs, c.Sources[i].Name)
		}
	}
	if len(subs) == 0 || !loopbackURL(c.Server.BaseURL) {
		return nil
	}
	return []string{fmt.Sprintf("%s: websub sources (%s) give hubs callbacks under server.base_url %s, a loopback address no hub elsewhere can reach",
		file, strings.Join(subs, ", "), c.Server.BaseURL)}
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
