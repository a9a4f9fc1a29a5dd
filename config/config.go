// Package config reads, validates and describes tributary's YAML
// configuration. Every error names the file, the line and the field.
package config

import "time"

// Config is the whole configuration file.
type Config struct {
	Server  Server   `yaml:"server"`
	Storage Storage  `yaml:"storage"`
	Fetch   Fetch    `yaml:"fetch"`
	Sources []Source `yaml:"sources"`
	Feeds   []Feed   `yaml:"feeds"`

	// Path is the file the configuration was read from.
	Path string `yaml:"-"`
	// Checksum is the SHA-256 of the file's bytes after ${VAR} expansion, so
	// a reload of an unchanged file can be skipped.
	Checksum string `yaml:"-"`
	// Warnings are problems that do not stop the configuration from
	// working but are probably mistakes, each "file:line: message" (or
	// "file: message"): references to unset variables, nothing to do.
	Warnings []string `yaml:"-"`

	// Client is the shared HTTP client's options, resolved by Parse from
	// fetch (see compiled.go).
	Client ClientOptions `yaml:"-"`
	// Browser is the compiled fetch.browser settings (see reach.go).
	Browser BrowserOptions `yaml:"-"`
}

// Server configures the HTTP listener.
type Server struct {
	Listen     string `yaml:"listen"`
	BaseURL    string `yaml:"base_url"`
	AdminToken string `yaml:"admin_token"`
	// WebSub configures push to feed readers (see push.go).
	WebSub WebSub `yaml:"websub"`
	// RenderCache bounds the rendered feed bytes kept in memory; the least
	// recently used renders are dropped first.
	RenderCache Size `yaml:"render_cache"`
}

// Storage selects the item store.
type Storage struct {
	Driver string `yaml:"driver"` // "sqlite" or "postgres"
	DSN    string `yaml:"dsn"`
}

// Fetch holds the defaults for every source and the global fetch limits.
type Fetch struct {
	Schedule    string   `yaml:"schedule"`
	Timeout     Duration `yaml:"timeout"`
	UserAgent   string   `yaml:"user_agent"`
	MaxBody     Size     `yaml:"max_body"`
	Concurrency int      `yaml:"concurrency"`
	PerHost     int      `yaml:"per_host"`
	RunOnStart  bool     `yaml:"run_on_start"`
	// AllowPrivate lets item pages and redirects reach private addresses.
	AllowPrivate bool `yaml:"allow_private"`
	// Browser is the headless browser for render: browser sources; empty
	// searches PATH.
	Browser string `yaml:"browser"`
}

// Source kinds.
const (
	KindFeed  = "feed"
	KindHTML  = "html"
	KindFiles = "files"
	KindJSON  = "json"
	KindIMAP  = "imap"
)

// Source is one configured upstream.
type Source struct {
	Name     string   `yaml:"name"`
	Kind     string   `yaml:"kind"` // feed (default), html, files
	URL      string   `yaml:"url"`
	Schedule string   `yaml:"schedule"` // empty: Fetch.Schedule
	Tags     []string `yaml:"tags"`
	FullText bool     `yaml:"full_text"`
	Keep     int      `yaml:"keep"` // items retained; 0 takes the default
	// Expect is how often new items are expected: a source with no new item
	// for longer is "stale" on the status pages and in /metrics, even when
	// its fetches succeed. Zero: never stale.
	Expect Duration `yaml:"expect"`
	// Select holds the CSS selectors of an html source.
	Select *Select `yaml:"select"`
	// Content is an optional CSS selector for the article body when
	// full_text is on; empty uses readability extraction.
	Content string `yaml:"content"`
	// Path is the folder of a files source.
	Path string `yaml:"path"`
	// BaseURL, for a files source, makes links base_url + file stem.
	BaseURL string `yaml:"base_url"`
	// Timezone is the IANA zone for dates written without one.
	Timezone string `yaml:"timezone"`
	// WebSub subscribes to the hub the upstream feed advertises, if any;
	// polling goes on as the fallback.
	WebSub bool `yaml:"websub"`
	// Next selects the next page's URL (html: CSS or xpath:, json: a
	// JSONPath); Pages is how many pages one fetch reads (1 to 50).
	Next  string `yaml:"next"`
	Pages int    `yaml:"pages"`
	// HTTP holds the source's own request options (see http.go).
	HTTP *HTTP `yaml:"http"`
	// Rewrite lists rules applied to each item at ingest, in order (see
	// rewrite.go).
	Rewrite []Rewrite `yaml:"rewrite"`
	// Render is "browser" for an html source whose listing is built by
	// JavaScript: the page is loaded in headless Chromium first.
	Render string `yaml:"render"`
	// WaitFor is a CSS (or xpath:) selector the rendered page must match
	// before it is read (render: browser only).
	WaitFor string `yaml:"wait_for"`
	// Username, Password, From, MarkSeen and Since configure an imap
	// source (see config/reach.go).
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	From     []string `yaml:"from"`
	MarkSeen bool     `yaml:"mark_seen"`
	Since    Duration `yaml:"since"`

	// Line is the line of the source's entry in the file, for messages.
	Line int `yaml:"-"`
	// Compiled holds what Parse resolved and compiled from the fields
	// above; downstream packages read it (see compiled.go).
	Compiled *CompiledSource `yaml:"-"`

	decodeErrs []string // see keepTypeErrors
}

// Select holds the selectors of an html source (CSS, "sel@attr" reads an
// attribute, or "xpath:EXPR") or the JSONPaths of a json source.
type Select struct {
	Item    string `yaml:"item"`  // html
	Items   string `yaml:"items"` // json
	Title   string `yaml:"title"`
	Link    string `yaml:"link"`
	Date    string `yaml:"date"`
	Summary string `yaml:"summary"`
	Author  string `yaml:"author"`
	Image   string `yaml:"image"`
	// ID, Content and Categories are for kind json.
	ID         string `yaml:"id"`
	Content    string `yaml:"content"`
	Categories string `yaml:"categories"`
}

// Feed is one published feed.
type Feed struct {
	Slug        string   `yaml:"slug"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"` // empty: Title
	Sources     []string `yaml:"sources"`     // source names and "tag:x" selectors
	Include     []string `yaml:"include"`
	Exclude     []string `yaml:"exclude"`
	Limit       int      `yaml:"limit"`
	MaxAge      Duration `yaml:"max_age"`
	// Image is the feed's logo, an absolute URL (RSS <image>, Atom <logo>,
	// JSON Feed icon).
	Image string `yaml:"image"`
	// Archive publishes RFC 5005 archive pages of every retained item.
	Archive bool `yaml:"archive"`
	// Prefer lists source names and "tag:x" selectors whose copy of a
	// duplicate wins, first match first; empty: the earliest configured
	// source of the feed.
	Prefer []string `yaml:"prefer"`
	// NearDuplicates is the similarity (0 to 1) above which near-identical
	// items of different sources merge; 0 turns it off.
	NearDuplicates float64 `yaml:"near_duplicates"`
	// Access makes the feed private; nil: public.
	Access *Access `yaml:"access"`
	// Notify posts the feed's new items to each webhook.
	Notify []Notify `yaml:"notify"`

	Line int `yaml:"-"`
	// Compiled holds what Parse resolved and compiled from the fields
	// above; downstream packages read it (see compiled.go).
	Compiled *CompiledFeed `yaml:"-"`

	decodeErrs []string // see keepTypeErrors
}

// Access restricts a feed to readers holding one of its tokens.
type Access struct {
	Tokens []string `yaml:"tokens"`
}

// Private reports whether the feed needs a token.
func (f *Feed) Private() bool { return f.Access != nil }

// Duration is a time.Duration written as "20s", "30m", "720h".
type Duration time.Duration

// Size is a byte count written as "512KiB", "10MiB", "1GB" or a plain number.
type Size int64
