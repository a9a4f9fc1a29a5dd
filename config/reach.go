package config

import (
	"net/url"
	"strings"
	"time"
)

// The keys of issue 12: render: browser and wait_for on html sources,
// fetch.browser, and the imap kind.

// DefaultSince is how far back an imap source reads on its first fetch.
const DefaultSince = 720 * time.Hour

// BrowserOptions are the settings of the shared headless browser, from
// fetch. It is comparable; the browser is reconfigured when they change.
type BrowserOptions struct {
	// Path is fetch.browser; empty searches PATH.
	Path string
	// Tabs bounds the pages rendered at once: fetch.concurrency.
	Tabs int
	// Needed is true when some source renders in the browser, so check
	// and the daemon warn when there is none.
	Needed bool
}

// BrowserSource is a source's render: browser settings.
type BrowserSource struct {
	// WaitFor is the selector to wait for ("xpath:..." for XPath); empty
	// waits for the page's load event.
	WaitFor string
}

// IMAPSource is an imap source's mailbox, resolved.
type IMAPSource struct {
	// URL is imaps://host[:port]/FOLDER or imap://... as written.
	URL      string
	Username string
	Password string
	// From lists addresses and domains, lower-cased.
	From     []string
	MarkSeen bool
	// Since is the first fetch's window (DefaultSince when unset).
	Since time.Duration
}

func (c *Config) validateBrowser(v *validator) {
	c.Browser = BrowserOptions{Path: c.Fetch.Browser, Tabs: c.Fetch.Concurrency}
	if c.Fetch.Browser != "" && strings.ContainsAny(c.Fetch.Browser, "\n\r\x00") {
		v.errorf(path{"fetch", "browser"}, "%q is not a file path", c.Fetch.Browser)
	}
	for i := range c.Sources {
		if c.Sources[i].Render == RenderBrowser {
			c.Browser.Needed = true
		}
	}
}

// RenderBrowser is the one value of render.
const RenderBrowser = "browser"

// validateReach checks the keys that belong to one kind only.
func (s *Source) validateReach(v *validator, p path) {
	switch {
	case s.Render != "" && s.Kind != KindHTML:
		v.errorf(p.with("render"), "only for kind html")
	case s.Render != "" && s.Render != RenderBrowser:
		v.errorf(p.with("render"), "unknown value %q (want browser, or leave it out)", s.Render)
	case s.Render == RenderBrowser:
		s.Compiled.Browser = &BrowserSource{WaitFor: strings.TrimSpace(s.WaitFor)}
	}
	if s.WaitFor != "" {
		if s.Render != RenderBrowser {
			v.errorf(p.with("wait_for"), "only with render: browser")
		} else if err := checkWaitFor(s.WaitFor); err != "" {
			v.errorf(p.with("wait_for"), "%s", err)
		}
	}
	if s.Kind == KindIMAP {
		return
	}
	for _, k := range []struct {
		key string
		set bool
	}{{"username", s.Username != ""}, {"password", s.Password != ""}, {"from", s.From != nil}, {"mark_seen", s.MarkSeen}, {"since", s.Since != 0}} {
		if k.set {
			v.errorf(p.with(k.key), "only for kind imap")
		}
	}
}

// checkWaitFor reports why a wait_for selector cannot work, or "". It
// compiles as select's selectors do (one rule, with their guard against a
// panicking XPath compiler): a CSS selector must be plain, without @attr
// (the page's document.querySelector would throw on it); an XPath may end
// in an attribute step, which document.evaluate finds as well.
func checkWaitFor(sel string) string {
	sel = strings.TrimSpace(sel)
	var err error
	if xp, ok := strings.CutPrefix(sel, "xpath:"); ok {
		_, err = compileXPath(xp, sel, false)
	} else {
		_, err = compileSelector(sel, true)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func (s *Source) validateIMAP(v *validator, p path) {
	m := &IMAPSource{URL: s.URL, Username: s.Username, Password: s.Password, MarkSeen: s.MarkSeen, Since: time.Duration(s.Since)}
	s.Compiled.IMAP = m
	if m.Since == 0 {
		m.Since = DefaultSince
	}
	if err := checkIMAPURL(s.URL); err != "" {
		v.errorf(p.with("url"), "%s", err)
	} else {
		u, _ := url.Parse(s.URL)
		s.Compiled.Host = strings.ToLower(u.Hostname())
	}
	if strings.TrimSpace(s.Username) == "" {
		v.errorf(p.with("username"), "required for kind imap")
	}
	if s.Password == "" {
		v.errorf(p.with("password"), `required for kind imap (write it as "${VARIABLE}" and set the variable)`)
	}
	if s.Since < 0 {
		v.errorf(p.with("since"), "must not be negative, got %s", s.Since)
	}
	for j, f := range s.From {
		f = strings.ToLower(strings.TrimSpace(f))
		local, domain, hasAt := strings.Cut(f, "@")
		switch {
		case f == "" || strings.ContainsAny(f, " \t<>,;"):
			v.errorf(p.with("from", j), "%q is not an address (news@example.org) or a domain (example.org)", s.From[j])
			continue
		case hasAt && (local == "" || !strings.Contains(domain, ".")):
			v.errorf(p.with("from", j), "%q is not an address (news@example.org) or a domain (example.org)", s.From[j])
			continue
		case !hasAt && !strings.Contains(f, "."):
			v.errorf(p.with("from", j), "%q is not an address (news@example.org) or a domain (example.org)", s.From[j])
			continue
		}
		m.From = append(m.From, f)
	}
	if s.FullText {
		v.errorf(p.with("full_text"), "not allowed for kind imap (the message is the article)")
	}
	if s.HTTP != nil {
		v.errorf(p.with("http"), "only for kinds that fetch over HTTP (feed, html, json)")
	}
	if s.Path != "" {
		v.errorf(p.with("path"), "only for kind files")
	}
	if s.BaseURL != "" {
		v.errorf(p.with("base_url"), "only for kind files")
	}
}

// checkIMAPURL reports why raw is not a mailbox URL, or "". The message
// never repeats a password written into the URL.
func checkIMAPURL(raw string) string {
	if raw == "" {
		return "required for kind imap (imaps://mail.example.org/INBOX)"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "not a URL (want imaps://mail.example.org/INBOX)"
	}
	switch {
	case u.Scheme != "imaps" && u.Scheme != "imap":
		return "scheme must be imaps (TLS) or imap (STARTTLS; plain text only to localhost), e.g. imaps://mail.example.org/INBOX"
	case u.User != nil:
		return "put the credentials in username and password, not in the URL"
	case u.Hostname() == "":
		return "no host (want imaps://mail.example.org/INBOX)"
	case u.RawQuery != "" || u.Fragment != "":
		return "no query or fragment: the path names the folder (imaps://mail.example.org/INBOX)"
	}
	return ""
}
