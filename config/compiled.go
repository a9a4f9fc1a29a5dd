package config

import (
	"net/url"
	"reflect"
	"time"

	"github.com/tributaryfeeds/tributary/internal/limit"
)

// The types in this file are what Parse resolves and compiles the decoded
// schema into, once: schedules parsed, selectors and filters compiled,
// defaults filled. Downstream packages (scheduler, sources, feeds, server,
// cmd) consume these and never re-parse or re-default a raw string.
//
// To add a key: add the raw field to the schema struct (config.go), check
// it in validate.go with a file:line error, and put its resolved value in
// CompiledSource, CompiledFeed or ClientOptions, filled in the same check.

// ClientOptions are the settings of the HTTP client all sources share,
// every default filled. It is comparable: when two configurations' options
// are ==, the client (and the sources built on it) can be kept.
type ClientOptions struct {
	Timeout   time.Duration
	UserAgent string
	MaxBody   int64
	// AllowPrivate is fetch.allow_private: item pages and redirects may
	// reach private addresses.
	AllowPrivate bool
}

// CompiledSource is a source resolved and compiled by Parse.
type CompiledSource struct {
	// Schedule is the source's schedule, else fetch.schedule, parsed.
	Schedule Schedule
	// Keep is how many items are retained (keep: 0 takes DefaultKeep).
	Keep int
	// Location is the zone of dates written without one (UTC by default).
	Location *time.Location
	// Host is the key fetch.per_host counts the source against (see
	// limit.HostKey); empty for files sources.
	Host string
	// Select holds the compiled selectors of an html or json source; nil
	// for the other kinds.
	Select *Selectors
	// Content is the compiled full_text content selector; nil uses
	// readability extraction.
	Content *Selector
	// Expect is sources[].expect: with no new item for longer, the source
	// is stale. Zero: never stale.
	Expect time.Duration
	// Next selects the next page's URL (html, json); nil: one page.
	Next *Selector
	// Pages is how many pages one fetch reads, at least 1.
	Pages int
	// HTTP is the source's own request options; nil: none.
	HTTP *HTTPOptions
	// Rewrite holds the compiled rewrite rules, in order.
	Rewrite []RewriteRule
	// Browser is set for render: browser (html sources only).
	Browser *BrowserSource
	// IMAP holds an imap source's mailbox settings; nil for other kinds.
	IMAP *IMAPSource
}

// CompiledFeed is a feed resolved and compiled by Parse.
type CompiledFeed struct {
	// Sources are the source names the feed reads, each once, in
	// configuration order, with "tag:x" entries resolved.
	Sources []string
	// Include and Exclude are the compiled filter entries.
	Include, Exclude []Matcher
	// Limit is the number of items published (limit: 0 takes DefaultLimit).
	Limit int
	// MaxAge drops older items; zero keeps every age.
	MaxAge time.Duration
	// Preference is Sources in the order their copy of a duplicate wins:
	// the prefer entries first (tags resolved), then the rest in
	// configuration order.
	Preference []string
}

// Same reports whether s and o fetch the same way: the same configuration
// (wherever it stands in the file) and the same effective schedule. A
// source that is the same keeps its timers and state across a reload.
func (s *Source) Same(o *Source) bool {
	a, b := *s, *o
	a.Line, b.Line = 0, 0
	a.Compiled, b.Compiled = nil, nil
	if !reflect.DeepEqual(a, b) {
		return false
	}
	return s.Compiled == nil && o.Compiled == nil ||
		s.Compiled != nil && o.Compiled != nil && s.Compiled.Schedule.Spec == o.Compiled.Schedule.Spec
}

// Compile validates and compiles a configuration built in code (tests,
// tools) as Parse does for a file: it fills the Compiled values and the
// derived defaults. Errors carry the field but no line.
func (c *Config) Compile() error {
	c.complete(nil)
	if errs := c.validate("config", nil, false); len(errs) > 0 {
		return errs
	}
	return nil
}

// hostOf is the key fetch.per_host limits a source URL under, or "" when
// it has no host.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return limit.HostKey(u)
}
