package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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
	DefaultConcurrency = 8
	DefaultPerHost     = 2
	DefaultKeep        = 500
	DefaultLimit       = 50
)

// Default returns the configuration used for everything a file leaves out.
// Server.BaseURL is derived from Server.Listen after decoding.
func Default() Config {
	return Config{
		Server:  Server{Listen: DefaultListen},
		Storage: Storage{Driver: DefaultDriver, DSN: DefaultDSN},
		Fetch: Fetch{
			Schedule:    DefaultSchedule,
			Timeout:     Duration(20 * time.Second),
			UserAgent:   DefaultUserAgent,
			MaxBody:     10 << 20,
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
	return unmarshal((*plain)(s))
}

// UnmarshalYAML fills the feed's defaults before reading it.
func (f *Feed) UnmarshalYAML(unmarshal func(any) error) error {
	*f = Feed{Limit: DefaultLimit}
	type plain Feed
	return unmarshal((*plain)(f))
}

// Load reads and parses the file at path. Relative paths in it (the sqlite
// file, files sources' folders) are taken relative to the file's directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(path, data, os.Getenv)
	if err != nil {
		return nil, err
	}
	c.Path = path
	c.resolvePaths(filepath.Dir(path))
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
// is returned as an ErrorList naming file, line and field.
func Parse(filename string, data []byte, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if errs := checkEnv(filename, data, getenv); len(errs) > 0 {
		return nil, errs
	}
	data = expand(data, getenv)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErrors(filename, err, nil)
	}
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlErrors(filename, err, &doc)
	}
	sum := sha256.Sum256(data)
	c.Checksum = hex.EncodeToString(sum[:])
	root := docRoot(&doc)
	c.complete(root)
	if errs := c.validate(filename, root); len(errs) > 0 {
		return nil, errs
	}
	return &c, nil
}

// complete fills defaults that depend on other fields, and entry lines.
func (c *Config) complete(root *yaml.Node) {
	if c.Server.BaseURL == "" {
		c.Server.BaseURL = "http://" + c.Server.Listen
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

// expand replaces ${VAR} and ${VAR:-default} with values from getenv, and
// "$${" with a literal "${". Anything else, unclosed braces included, is
// left alone.
func expand(data []byte, getenv func(string) string) []byte {
	if !bytes.Contains(data, []byte("${")) {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data))
	for {
		i := bytes.Index(data, []byte("${"))
		if i < 0 {
			out.Write(data)
			return out.Bytes()
		}
		if i > 0 && data[i-1] == '$' {
			out.Write(data[:i-1])
			out.WriteString("${")
			data = data[i+2:]
			continue
		}
		end := bytes.IndexAny(data[i+2:], "}\n")
		if end < 0 || data[i+2+end] != '}' {
			out.Write(data[:i+2])
			data = data[i+2:]
			continue
		}
		out.Write(data[:i])
		out.WriteString(lookup(string(data[i+2:i+2+end]), getenv))
		data = data[i+2+end+1:]
	}
}

// checkEnv rejects ${VAR} values with a line break: expansion is textual,
// so one would change the YAML's structure and shift every later line
// number in messages.
func checkEnv(filename string, data []byte, getenv func(string) string) ErrorList {
	var errs ErrorList
	for n, line := range bytes.Split(data, []byte("\n")) {
		for _, expr := range envRef.FindAllSubmatch(line, -1) {
			if v := lookup(string(expr[1]), getenv); strings.ContainsAny(v, "\r\n") {
				errs = append(errs, &Error{File: filename, Line: n + 1, Field: "${" + string(expr[1]) + "}",
					Msg: "the environment value contains a line break, which cannot be expanded into YAML"})
			}
		}
	}
	return errs
}

// envRef matches a ${VAR} or ${VAR:-default} reference on one line.
// "$${" is a literal "${" and is not a reference.
var envRef = regexp.MustCompile(`(?:^|[^$])\$\{([^}\n]*)\}`)

func lookup(expr string, getenv func(string) string) string {
	name, def, hasDef := strings.Cut(expr, ":-")
	if v := getenv(name); v != "" || !hasDef {
		return v
	}
	return def
}
