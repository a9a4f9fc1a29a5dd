package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Defaults written out in SPEC.md section 1.
const (
	DefaultListen      = "127.0.0.1:8080"
	DefaultDriver      = "sqlite"
	DefaultDSN         = "data/tributary.db"
	DefaultSchedule    = "@every 30m"
	DefaultUserAgent   = "tributary/1.0 (+https://github.com/tributaryfeeds/tributary)"
	DefaultTimeout     = 20 * time.Second
	DefaultMaxBody     = 10 << 20
	DefaultConcurrency = 8
	DefaultPerHost     = 2
	DefaultKeep        = 500
	DefaultLimit       = 50
	DefaultRenderCache = 256 << 20
)

// Default returns the configuration used for everything a file leaves out.
// Server.BaseURL is derived from Server.Listen after decoding.
func Default() Config {
	return Config{
		Server:  Server{Listen: DefaultListen, RenderCache: DefaultRenderCache},
		Storage: Storage{Driver: DefaultDriver, DSN: DefaultDSN},
		Fetch: Fetch{
			Schedule:    DefaultSchedule,
			Timeout:     Duration(DefaultTimeout),
			UserAgent:   DefaultUserAgent,
			MaxBody:     DefaultMaxBody,
			Concurrency: DefaultConcurrency,
			PerHost:     DefaultPerHost,
			RunOnStart:  true,
		},
	}
}

// UnmarshalYAML fills the source's defaults before reading it, so that a
// value written explicitly (even zero) is kept and validated as written.
func (s *Source) UnmarshalYAML(unmarshal func(any) error) error {
	*s = Source{Kind: KindFeed, Keep: DefaultKeep}
	type plain Source
	var err error
	s.decodeErrs, err = keepTypeErrors(unmarshal((*plain)(s)))
	return err
}

// UnmarshalYAML fills the feed's defaults before reading it.
func (f *Feed) UnmarshalYAML(unmarshal func(any) error) error {
	*f = Feed{Limit: DefaultLimit}
	type plain Feed
	var err error
	f.decodeErrs, err = keepTypeErrors(unmarshal((*plain)(f)))
	return err
}

// keepTypeErrors splits off the messages of a *yaml.TypeError. yaml.v3
// drops from a list every entry whose unmarshaler returns one, which would
// shift the indexes of the entries after it; the entry keeps its messages
// instead, for takeDecodeErrors.
func keepTypeErrors(err error) ([]string, error) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// The messages share an array that the decoder reuses.
		return slices.Clone(te.Errors), nil
	}
	return nil, err
}

// takeDecodeErrors returns and clears the messages kept by the sources'
// and feeds' unmarshalers.
func (c *Config) takeDecodeErrors() []string {
	var msgs []string
	for i := range c.Sources {
		msgs = append(msgs, c.Sources[i].decodeErrs...)
		c.Sources[i].decodeErrs = nil
	}
	for i := range c.Feeds {
		msgs = append(msgs, c.Feeds[i].decodeErrs...)
		c.Feeds[i].decodeErrs = nil
	}
	return msgs
}

// Load reads and parses the file at path. Relative paths in it (the sqlite
// file, files sources' folders) are taken relative to the file's directory,
// and each files source's folder must exist.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := parse(path, data, os.Getenv, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

func (c *Config) resolvePaths(dir string) {
	if c.Storage.Driver == "sqlite" && isRelativeFile(c.Storage.DSN) {
		c.Storage.DSN = filepath.Join(dir, c.Storage.DSN)
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Kind == KindFiles && isRelativeFile(s.Path) {
			s.Path = filepath.Join(dir, s.Path)
		}
	}
}

// isRelativeFile reports whether p is a relative file path rather than an
// absolute one, a "file:" URI or sqlite's in-memory name.
func isRelativeFile(p string) bool {
	return p != "" && !filepath.IsAbs(p) && !strings.HasPrefix(p, "file:") && p != ":memory:"
}

// Parse decodes, completes and validates a configuration. filename is used
// in messages only; getenv expands ${VAR} and ${VAR:-default}. Any problem
// is returned as an ErrorList naming file, line and field. Parse does not
// touch the file system: paths are kept as written and not checked (Load
// resolves them and checks that files sources' folders exist).
func Parse(filename string, data []byte, getenv func(string) string) (*Config, error) {
	return parse(filename, data, getenv, "")
}

// parse is Parse with relative paths resolved against dir, unless dir is
// empty.
func parse(filename string, data []byte, getenv func(string) string, dir string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if errs := checkEnv(filename, data, getenv); len(errs) > 0 {
		return nil, errs
	}
	unset := unsetVars(data, getenv)
	data = expand(data, getenv)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The document did not parse: nothing else can be trusted.
		return nil, yamlErrors(filename, err, nil).hint(unset)
	}
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// yaml.v3 decodes all it can around type errors and unknown fields:
	// validating the rest as well reports every problem at once.
	var msgs []string
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, yamlErrors(filename, err, &doc).hint(unset)
		}
		msgs = te.Errors
	}
	errs := yamlMessages(filename, append(msgs, c.takeDecodeErrors()...), &doc)
	sum := sha256.Sum256(data)
	c.Checksum = hex.EncodeToString(sum[:])
	root := docRoot(&doc)
	c.complete(root)
	if dir != "" {
		c.resolvePaths(dir)
	}
	for _, e := range c.validate(filename, root, dir != "") {
		if !errs.covers(e.Field) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		errs.sortByLine()
		return nil, errs.hint(unset)
	}
	c.Warnings = c.warnings(filename, unset)
	return &c, nil
}

// complete fills defaults that depend on other fields, and entry lines.
func (c *Config) complete(root *yaml.Node) {
	if c.Server.BaseURL == "" {
		c.Server.BaseURL = defaultBaseURL(c.Server.Listen)
	}
	for i := range c.Sources {
		c.Sources[i].Line = lineOf(root, path{"sources", i})
	}
	for i := range c.Feeds {
		f := &c.Feeds[i]
		f.Line = lineOf(root, path{"feeds", i})
		if f.Description == "" {
			f.Description = f.Title
		}
	}
}

// defaultBaseURL derives the URL readers use from the listen address. A
// wildcard or empty host listens on every interface but is no address to
// link to, so it becomes localhost.
func defaultBaseURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen // validation reports the address
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	if port == "" {
		if strings.Contains(host, ":") {
			return "http://[" + host + "]"
		}
		return "http://" + host
	}
	return "http://" + net.JoinHostPort(host, port)
}

// warnings lists what is valid but probably a mistake: references to unset
// variables, in line order, and a configuration with nothing to do.
func (c *Config) warnings(file string, unset map[int][]string) []string {
	var w []string
	for _, line := range slices.Sorted(maps.Keys(unset)) {
		for _, name := range unset[line] {
			w = append(w, fmt.Sprintf("%s:%d: ${%s} is not set", file, line, name))
		}
	}
	switch {
	case len(c.Sources) == 0 && len(c.Feeds) == 0:
		w = append(w, file+": no sources and no feeds: nothing is fetched or published")
	case len(c.Feeds) == 0:
		w = append(w, file+": no feeds: sources are fetched but nothing is published")
	}
	return w
}

// expand replaces ${VAR} and ${VAR:-default} with values from getenv, and
// "$${" with a literal "${". Anything else, unclosed braces included, is
// left alone.
func expand(data []byte, getenv func(string) string) []byte {
	return scanRefs(data, func(_ int, _ []byte, expr string) string { return lookup(expr, getenv) })
}

// scanRefs calls fn with the line, the line's text before the reference
// and the text between the braces of every ${...} reference in data, and returns data with
// each reference replaced by what fn returns and "$${" by a literal "${".
// Unclosed braces, or ones closed on a later line, are not references.
func scanRefs(data []byte, fn func(line int, text []byte, expr string) string) []byte {
	if !bytes.Contains(data, []byte("${")) {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data))
	for n, text := range bytes.SplitAfter(data, []byte("\n")) {
		rest := text
		for {
			i := bytes.Index(rest, []byte("${"))
			if i < 0 {
				out.Write(rest)
				break
			}
			if i > 0 && rest[i-1] == '$' {
				out.Write(rest[:i-1])
				out.WriteString("${")
				rest = rest[i+2:]
				continue
			}
			end := bytes.IndexByte(rest[i+2:], '}')
			if end < 0 {
				out.Write(rest)
				break
			}
			out.Write(rest[:i])
			out.WriteString(fn(n+1, text[:len(text)-len(rest)+i], string(rest[i+2:i+2+end])))
			rest = rest[i+2+end+1:]
		}
	}
	return out.Bytes()
}

// commented reports whether a line's text up to a reference (before) has
// started a YAML comment: a '#' at the start or after white space, outside
// quotes. Expansion ignores comments (expanding one is harmless), but
// warnings and errors about a commented-out ${VAR} would mislead.
func commented(before []byte) bool {
	var quote byte
	for i, c := range before {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || before[i-1] == ' ' || before[i-1] == '\t' || before[i-1] == ':' || before[i-1] == '[' || before[i-1] == ',' || before[i-1] == '{' {
				quote = c
			}
		case c == '#' && (i == 0 || before[i-1] == ' ' || before[i-1] == '\t'):
			return true
		}
	}
	return false
}

// checkEnv rejects ${VAR} values with a line break: expansion is textual,
// so one would change the YAML's structure and shift every later line
// number in messages.
func checkEnv(filename string, data []byte, getenv func(string) string) ErrorList {
	var errs ErrorList
	scanRefs(data, func(line int, before []byte, expr string) string {
		if v := lookup(expr, getenv); !commented(before) && strings.ContainsAny(v, "\r\n") {
			errs = append(errs, &Error{File: filename, Line: line, Field: "${" + expr + "}",
				Msg: "the environment value contains a line break, which cannot be expanded into YAML"})
		}
		return ""
	})
	return errs
}

// unsetVars returns, by line, the ${VAR} references without a default
// whose variable is unset or empty: the value they expand to is empty,
// which is rarely what the author meant.
func unsetVars(data []byte, getenv func(string) string) map[int][]string {
	unset := make(map[int][]string)
	scanRefs(data, func(line int, before []byte, expr string) string {
		if commented(before) {
			return ""
		}
		if _, _, hasDef := strings.Cut(expr, ":-"); !hasDef && getenv(expr) == "" && !slices.Contains(unset[line], expr) {
			unset[line] = append(unset[line], expr)
		}
		return ""
	})
	return unset
}

func lookup(expr string, getenv func(string) string) string {
	name, def, hasDef := strings.Cut(expr, ":-")
	if v := getenv(name); v != "" || !hasDef {
		return v
	}
	return def
}
