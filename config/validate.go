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
	// index finds sources by name and tag once sources are validated
	// (see sourceIndex); nil until first asked for.
	index *sourceIndex
	file  string
	root  *yaml.Node
	// resolved says relative paths have been resolved against the
	// config file's folder, so they can be checked on disk.
	resolved bool
	errs     ErrorList
	// schedule is fetch.schedule, parsed: the default of every source.
	schedule Schedule
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
	c.validateWebSub(v)
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
	if c.Server.RenderCache < minRenderCache {
		v.errorf(path{"server", "render_cache"}, "must be at least 1MiB, got %s", c.Server.RenderCache)
	}
}

// minRenderCache keeps a few feeds in memory: below it every request
// would render.
const minRenderCache = 1 << 20

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
	sched, err := ParseSchedule(f.Schedule)
	if err != nil {
		v.errorf(p.with("schedule"), "%v", err)
	}
	v.schedule = sched
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
	c.Client = ClientOptions{Timeout: time.Duration(f.Timeout), UserAgent: f.UserAgent, MaxBody: int64(f.MaxBody), AllowPrivate: f.AllowPrivate}
	c.validateBrowser(v)
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
	s.Compiled = &CompiledSource{Schedule: v.schedule, Keep: s.Keep, Location: time.UTC}
	if s.Keep == 0 {
		s.Compiled.Keep = DefaultKeep
	}
	switch s.Kind {
	case KindFeed, KindHTML, KindJSON:
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
		s.Compiled.Host = hostOf(s.URL)
	case KindFiles:
		s.validateFiles(v, p)
	case KindIMAP:
		s.validateIMAP(v, p)
	default:
		v.errorf(p.with("kind"), "unknown kind %q (want feed, html, json, files or imap)", s.Kind)
	}
	s.validateReach(v, p)
	s.validateSelect(v, p)
	s.validatePages(v, p)
	s.validateHTTP(v, p)
	s.validateRewrite(v, p)
	if s.Content != "" && !s.FullText {
		v.errorf(p.with("content"), "only with full_text: true")
	} else {
		sel, err := CompileCSS(s.Content)
		if err != nil {
			v.errorf(p.with("content"), "%v", err)
		}
		s.Compiled.Content = sel
	}
	if s.Schedule != "" {
		sched, err := ParseSchedule(s.Schedule)
		if err != nil {
			v.errorf(p.with("schedule"), "%v", err)
		}
		s.Compiled.Schedule = sched
	}
	if s.Timezone != "" {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			v.errorf(p.with("timezone"), "unknown time zone %q", s.Timezone)
		} else {
			s.Compiled.Location = loc
		}
	}
	if s.Keep < 0 {
		v.errorf(p.with("keep"), "must not be negative, got %d", s.Keep)
	}
	if s.Expect < 0 {
		v.errorf(p.with("expect"), "must not be negative, got %s", s.Expect)
	} else {
		s.Compiled.Expect = time.Duration(s.Expect)
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
	if s.Kind != KindHTML && s.Kind != KindJSON {
		if s.Select != nil {
			v.errorf(p.with("select"), "only for kind html or json")
		}
		return
	}
	if s.Select == nil {
		if s.Kind == KindJSON {
			v.errorf(p.with("select"), "required for kind json (items and title JSONPaths)")
		} else {
			v.errorf(p.with("select"), "required for kind html (item, title and link selectors)")
		}
		return
	}
	sp := p.with("select")
	out := &Selectors{}
	for _, f := range s.Select.fields(s.Kind, out) {
		switch {
		case strings.TrimSpace(f.expr) == "":
			if f.required {
				v.errorf(sp.with(f.name), "required")
			}
		case f.other:
			v.errorf(sp.with(f.name), "not for kind %s", s.Kind)
		default:
			sel, err := compileField(s.Kind, f.expr, f.name == "item" || f.name == "items")
			if err != nil {
				v.errorf(sp.with(f.name), "%v", err)
			}
			*f.dst = sel
		}
	}
	s.Compiled.Select = out
}

// MaxPages bounds sources[].pages.
const MaxPages = 50

func (s *Source) validatePages(v *validator, p path) {
	s.Compiled.Pages = max(s.Pages, 1)
	if s.Kind != KindHTML && s.Kind != KindJSON {
		if s.Next != "" {
			v.errorf(p.with("next"), "only for kind html or json")
		}
		if s.Pages != 0 {
			v.errorf(p.with("pages"), "only for kind html or json")
		}
		return
	}
	switch {
	case s.Pages < 0 || s.Pages > MaxPages:
		v.errorf(p.with("pages"), "must be from 1 to %d, got %d", MaxPages, s.Pages)
	case s.Pages > 1 && strings.TrimSpace(s.Next) == "":
		v.errorf(p.with("pages"), "needs next: the selector of the next page's URL")
	case s.Next != "" && s.Pages <= 1:
		v.errorf(p.with("next"), "needs pages: 2 or more (how many pages one fetch reads)")
	}
	if strings.TrimSpace(s.Next) == "" {
		return
	}
	sel, err := compileField(s.Kind, s.Next, false)
	if err != nil {
		v.errorf(p.with("next"), "%v", err)
	}
	s.Compiled.Next = sel
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
		f.Compiled = &CompiledFeed{Limit: f.Limit, MaxAge: time.Duration(f.MaxAge)}
		if f.Limit == 0 {
			f.Compiled.Limit = DefaultLimit
		}
		c.validateFeedSources(v, f, p)
		f.Compiled.Sources = v.sourceIndex(c).feedSources(c, f)
		f.Compiled.Include = validateMatchers(v, p.with("include"), f.Include)
		f.Compiled.Exclude = validateMatchers(v, p.with("exclude"), f.Exclude)
		if f.Limit < 0 {
			v.errorf(p.with("limit"), "must not be negative, got %d", f.Limit)
		}
		if f.MaxAge < 0 {
			v.errorf(p.with("max_age"), "must not be negative, got %s", f.MaxAge)
		}
		c.validatePublishing(v, f, p)
		c.validateNotify(v, f, p)
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
	ix := v.sourceIndex(c)
	for j, ref := range f.Sources {
		if tag, ok := strings.CutPrefix(ref, "tag:"); ok {
			if len(ix.tagged[tag]) == 0 {
				v.errorf(p.with("sources", j), "no source has tag %q", tag)
			}
			continue
		}
		if _, ok := ix.pos[ref]; !ok {
			v.errorf(p.with("sources", j), "unknown source %q", ref)
		}
	}
}

func validateMatchers(v *validator, p path, list []string) []Matcher {
	if listShifted(v.root, p, len(list)) {
		return nil
	}
	out := make([]Matcher, 0, len(list))
	for j, entry := range list {
		if strings.TrimSpace(entry) == "" {
			v.errorf(p.with(j), "must not be empty")
			continue
		}
		m, err := CompileMatcher(entry)
		if err != nil {
			v.errorf(p.with(j), "%v", err)
			continue
		}
		out = append(out, m)
	}
	return out
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

// sourceIndex indexes c's sources for the feed checks, once per validation.
func (v *validator) sourceIndex(c *Config) *sourceIndex {
	if v.index == nil {
		v.index = c.newSourceIndex()
	}
	return v.index
}
