package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The document did not parse: nothing else can be trusted. No
		// variable has been expanded yet, so no value can be echoed.
		return nil, flowRefHint(yamlErrors(filename, err, nil), data)
	}
	// yaml.v3 decodes all it can around type errors and unknown fields:
	// validating the rest as well reports every problem at once.
	msgs := unknownFields(&doc)
	// ${VAR} is expanded in the parsed scalars, never in the text: a value
	// is taken literally, whatever YAML syntax it contains.
	env := expandEnv(&doc, getenv)
	c := Default()
	if doc.Kind != 0 {
		if err := doc.Decode(&c); err != nil {
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				return nil, yamlErrors(filename, err, &doc).hint(env.unset).redact(env)
			}
			msgs = append(msgs, te.Errors...)
		}
	}
	errs := yamlMessages(filename, append(msgs, c.takeDecodeErrors()...), &doc)
	c.Checksum = env.checksum(data)
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
		return nil, errs.hint(env.unset).redact(env)
	}
	c.Warnings = c.warnings(filename, env.unset)
	return &c, nil
}

// flowRefHint adds a hint to syntax errors when a line has an unquoted
// ${VAR} inside [...] or {...}: YAML reads its braces as flow syntax there,
// and since values are expanded after parsing, the reference must be
// quoted. (yaml.v3 often reports such an error at another line.)
func flowRefHint(errs ErrorList, data []byte) ErrorList {
	for n, line := range bytes.Split(data, []byte("\n")) {
		i := bytes.Index(line, []byte("${"))
		if i > 0 && bytes.ContainsAny(line[:i], "[{") && !bytes.ContainsAny(line[i-1:i], `"'`) {
			for _, e := range errs {
				e.Msg += fmt.Sprintf(` (line %d: inside [...] or {...}, quote a ${VAR} reference: "${VAR}")`, n+1)
			}
			break
		}
	}
	return errs
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
	return append(w, c.pushWarnings(file)...)
}

// envRefs is what expanding ${VAR} references in a document found.
type envRefs struct {
	// unset lists, by line, the references without a default whose
	// variable is unset or empty.
	unset map[int][]string
	// values lists, by line, the non-empty values that came from the
	// environment, so that messages never echo them.
	values map[int][]envValue
	// all is every expanded scalar value in document order, for the
	// checksum.
	all []string
}

type envValue struct{ name, value string }

// maxEnvDepth bounds the walk of the document; the configuration nests a
// handful of levels.
const maxEnvDepth = 64

// expandEnv replaces ${VAR} and ${VAR:-default} in every scalar value of
// doc (mapping keys are not expanded) with values from getenv, and "$${"
// with a literal "${". A value is inserted as it is: it is never parsed as
// YAML, so " #", a leading "!", "*" or "&", quotes and backslash escapes in
// it stay literal. A plain scalar's type is read again from its new value
// (so "concurrency: ${N}" is a number), except that a non-empty value is
// never null.
func expandEnv(doc *yaml.Node, getenv func(string) string) *envRefs {
	env := &envRefs{unset: make(map[int][]string), values: make(map[int][]envValue)}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > maxEnvDepth {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		case yaml.MappingNode:
			for i := 1; i < len(n.Content); i += 2 {
				walk(n.Content[i], depth+1)
			}
		case yaml.ScalarNode:
			env.expandScalar(n, getenv)
		}
		// Aliases share their anchor's node, expanded where it stands.
	}
	walk(doc, 0)
	return env
}

func (env *envRefs) expandScalar(n *yaml.Node, getenv func(string) string) {
	if !strings.Contains(n.Value, "${") {
		return
	}
	out := scanRefs([]byte(n.Value), func(_ int, _ []byte, expr string) string {
		name, _, hasDef := strings.Cut(expr, ":-")
		v := lookup(expr, getenv)
		if !hasDef && getenv(name) == "" && !slices.Contains(env.unset[n.Line], expr) {
			env.unset[n.Line] = append(env.unset[n.Line], expr)
		}
		if v != "" && getenv(name) == v {
			env.values[n.Line] = append(env.values[n.Line], envValue{name: name, value: v})
		}
		return v
	})
	n.Value = string(out)
	env.all = append(env.all, n.Value)
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if quoted || n.Style&yaml.TaggedStyle != 0 {
		return // a string, or the type its tag names
	}
	n.Tag = ""
	if n.ShortTag() == "!!null" && n.Value != "" {
		n.Tag = "!!str" // "null" or "~" from the environment is text
	}
}

// checksum is the SHA-256 of the file's bytes and of every expanded value,
// so a reload after a variable changed is not skipped as unchanged.
func (env *envRefs) checksum(data []byte) string {
	h := sha256.New()
	h.Write(data)
	for _, v := range env.all {
		h.Write([]byte{0})
		h.Write([]byte(v))
	}
	return hex.EncodeToString(h.Sum(nil))
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

func lookup(expr string, getenv func(string) string) string {
	name, def, hasDef := strings.Cut(expr, ":-")
	if v := getenv(name); v != "" || !hasDef {
		return v
	}
	return def
}
