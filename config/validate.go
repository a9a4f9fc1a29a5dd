package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"
)

// validName is the rule for source names and feed slugs: they appear in
// URLs, metrics labels and file names.
var validName = regexp.MustCompile(`^[a-z0-9-]+$`)

// minTokenLen is the shortest admin token accepted; shorter ones are
// guessable.
const minTokenLen = 16

// validator collects every problem with their lines.
type validator struct {
	file string
	root *yaml.Node
	// resolved says relative paths have been resolved against the
	// config file's folder, so they can be checked on disk.
	resolved bool
	errs     ErrorList
}

func (v *validator) errorf(p path, format string, args ...any) {
	v.errs = append(v.errs, &Error{
		File:  v.file,
		Line:  lineOf(v.root, p),
		Field: p.String(),
		Msg:   fmt.Sprintf(format, args...),
	})
}

// validate checks c completely and returns every problem, in line order.
// Folders of files sources are checked on disk only once resolved.
func (c *Config) validate(file string, root *yaml.Node, resolved bool) ErrorList {
	v := &validator{file: file, root: root, resolved: resolved}
	c.validateServer(v)
	c.validateStorage(v)
	c.validateFetch(v)
	c.validateSources(v)
	c.validateFeeds(v)
	v.errs.sortByLine()
	return v.errs
}

func (c *Config) validateServer(v *validator) {
	listenErr := checkListen(c.Server.Listen)
	if listenErr != nil {
		v.errorf(path{"server", "listen"}, "%v", listenErr)
	}
	// A base_url derived from a bad listen address adds nothing.
	derived := c.Server.BaseURL == defaultBaseURL(c.Server.Listen)
	if err := checkHTTPURL(c.Server.BaseURL); err != nil && (listenErr == nil || !derived) {
		v.errorf(path{"server", "base_url"}, "%v", err)
	}
	if t := c.Server.AdminToken; t != "" && len(t) < minTokenLen {
		v.errorf(path{"server", "admin_token"}, "too short (%d characters): use at least %d random characters, or leave it empty to disable /admin", len(t), minTokenLen)
	}
}

func (c *Config) validateStorage(v *validator) {
	switch c.Storage.Driver {
	case "sqlite", "postgres":
	default:
		v.errorf(path{"storage", "driver"}, "unknown driver %q (want sqlite or postgres)", c.Storage.Driver)
	}
	if c.Storage.DSN == "" {
		v.errorf(path{"storage", "dsn"}, "must not be empty")
	}
}

func (c *Config) validateFetch(v *validator) {
	f := c.Fetch
	p := path{"fetch"}
	if _, err := ParseSchedule(f.Schedule); err != nil {
		v.errorf(p.with("schedule"), "%v", err)
	}
	if f.Timeout <= 0 {
		v.errorf(p.with("timeout"), "must be positive, got %s", f.Timeout)
	}
	if f.MaxBody <= 0 {
		v.errorf(p.with("max_body"), "must be positive, got %s", f.MaxBody)
	}
	if f.Concurrency < 1 {
		v.errorf(p.with("concurrency"), "must be at least 1, got %d", f.Concurrency)
	}
	if f.PerHost < 1 {
		v.errorf(p.with("per_host"), "must be at least 1, got %d", f.PerHost)
	}
}

func (c *Config) validateSources(v *validator) {
	seen := make(map[string]int)
	for i := range c.Sources {
		s := &c.Sources[i]
		p := path{"sources", i}
		v.checkName(p.with("name"), "source name", s.Name, s.Line, seen)
		s.validate(v, p)
	}
}

// checkName reports a source name or feed slug (what) at p that is
// missing, malformed or taken; seen maps each name taken to the line of
// the entry that took it.
func (v *validator) checkName(p path, what, name string, line int, seen map[string]int) {
	switch first, dup := seen[name]; {
	case name == "":
		v.errorf(p, "required")
	case !validName.MatchString(name):
		v.errorf(p, "%q must match [a-z0-9-]+", name)
	case dup:
		v.errorf(p, "duplicate %s %q (first at line %d)", what, name, first)
	default:
		seen[name] = line
	}
}

func (s *Source) validate(v *validator, p path) {
	switch s.Kind {
	case KindFeed, KindHTML:
		if s.URL == "" {
			v.errorf(p.with("url"), "required for kind %s", s.Kind)
		} else if err := checkHTTPURL(s.URL); err != nil {
			v.errorf(p.with("url"), "%v", err)
		}
		if s.Path != "" {
			v.errorf(p.with("path"), "only for kind files")
		}
		if s.BaseURL != "" {
			v.errorf(p.with("base_url"), "only for kind files")
		}
	case KindFiles:
		s.validateFiles(v, p)
	default:
		v.errorf(p.with("kind"), "unknown kind %q (want feed, html or files)", s.Kind)
	}
	s.validateSelect(v, p)
	if s.Content != "" && !s.FullText {
		v.errorf(p.with("content"), "only with full_text: true")
	} else if css := strings.TrimSpace(s.Content); css != "" {
		if _, err := cascadia.Compile(css); err != nil {
			v.errorf(p.with("content"), "invalid CSS selector %q: %v", css, err)
		}
	}
	if s.Schedule != "" {
		if _, err := ParseSchedule(s.Schedule); err != nil {
			v.errorf(p.with("schedule"), "%v", err)
		}
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			v.errorf(p.with("timezone"), "unknown time zone %q", s.Timezone)
		}
	}
	if s.Keep < 0 {
		v.errorf(p.with("keep"), "must not be negative, got %d", s.Keep)
	}
	s.validateTags(v, p)
}

func (s *Source) validateTags(v *validator, p path) {
	if listShifted(v.root, p.with("tags"), len(s.Tags)) {
		return
	}
	for j, t := range s.Tags {
		if t == "" || strings.ContainsAny(t, " \t") {
			v.errorf(p.with("tags", j), "tag %q must be non-empty and without spaces", t)
		}
	}
}

func (s *Source) validateFiles(v *validator, p path) {
	if s.Path == "" {
		v.errorf(p.with("path"), "required for kind files")
	} else if v.resolved {
		if err := checkDir(s.Path); err != nil {
			v.errorf(p.with("path"), "%v", err)
		}
	}
	if s.URL != "" {
		v.errorf(p.with("url"), "not allowed for kind files (use path, and base_url for links)")
	}
	if s.FullText {
		v.errorf(p.with("full_text"), "not allowed for kind files")
	}
	if s.BaseURL != "" {
		if err := checkHTTPURL(s.BaseURL); err != nil {
			v.errorf(p.with("base_url"), "%v", err)
		}
	}
}

func (s *Source) validateSelect(v *validator, p path) {
	if s.Kind != KindHTML {
		if s.Select != nil {
			v.errorf(p.with("select"), "only for kind html")
		}
		return
	}
	if s.Select == nil {
		v.errorf(p.with("select"), "required for kind html (item, title and link selectors)")
		return
	}
	sp := p.with("select")
	sel := s.Select
	for _, f := range []struct {
		name, val string
		required  bool
	}{
		{"item", sel.Item, true}, {"title", sel.Title, true}, {"link", sel.Link, true},
		{"date", sel.Date, false}, {"summary", sel.Summary, false},
		{"author", sel.Author, false}, {"image", sel.Image, false},
	} {
		switch {
		case strings.TrimSpace(f.val) == "":
			if f.required {
				v.errorf(sp.with(f.name), "required")
			}
		default:
			if err := checkSelector(f.val, f.name == "item"); err != nil {
				v.errorf(sp.with(f.name), "%v", err)
			}
		}
	}
}

func (c *Config) validateFeeds(v *validator) {
	seen := make(map[string]int)
	for i := range c.Feeds {
		f := &c.Feeds[i]
		p := path{"feeds", i}
		v.checkName(p.with("slug"), "feed slug", f.Slug, f.Line, seen)
		if strings.TrimSpace(f.Title) == "" {
			v.errorf(p.with("title"), "required")
		}
		c.validateFeedSources(v, f, p)
		validateMatchers(v, p.with("include"), f.Include)
		validateMatchers(v, p.with("exclude"), f.Exclude)
		if f.Limit < 0 {
			v.errorf(p.with("limit"), "must not be negative, got %d", f.Limit)
		}
		if f.MaxAge < 0 {
			v.errorf(p.with("max_age"), "must not be negative, got %s", f.MaxAge)
		}
		c.validatePublishing(v, f, p)
	}
}

func (c *Config) validateFeedSources(v *validator, f *Feed, p path) {
	if len(f.Sources) == 0 {
		v.errorf(p.with("sources"), "required: at least one source name or tag:x")
		return
	}
	if listShifted(v.root, p.with("sources"), len(f.Sources)) {
		return
	}
	for j, ref := range f.Sources {
		if tag, ok := strings.CutPrefix(ref, "tag:"); ok {
			if len(c.sourcesTagged(tag)) == 0 {
				v.errorf(p.with("sources", j), "no source has tag %q", tag)
			}
			continue
		}
		if _, ok := c.Source(ref); !ok {
			v.errorf(p.with("sources", j), "unknown source %q", ref)
		}
	}
}

func validateMatchers(v *validator, p path, list []string) {
	if listShifted(v.root, p, len(list)) {
		return
	}
	for j, m := range list {
		if strings.TrimSpace(m) == "" {
			v.errorf(p.with(j), "must not be empty")
			continue
		}
		if expr, ok := strings.CutPrefix(m, "re:"); ok {
			if _, err := regexp.Compile(expr); err != nil {
				v.errorf(p.with(j), "invalid regular expression: %v", err)
			}
		}
	}
}

// checkHTTPURL reports why raw is not an absolute http(s) URL with a host.
func checkHTTPURL(raw string) error {
	// url.Parse accepts spaces in paths, but a reader or upstream will not.
	if strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("%q contains whitespace or control characters (percent-encode them)", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL %q", raw)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// checkListen reports why addr is not a host:port the server can listen on.
func checkListen(addr string) error {
	if addr == "" {
		return errors.New("must not be empty")
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080, or :8080 for every interface)", addr)
	}
	if port == "" {
		return nil
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q must be a number from 0 to 65535", addr, port)
	}
	return nil
}

// checkDir reports why dir is not an existing folder.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("folder %q does not exist", dir)
	case err != nil:
		return fmt.Errorf("folder %q: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%q is not a folder", dir)
	}
	return nil
}
