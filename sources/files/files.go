// Package files is the source of kind "files": article documents (plain
// text, Markdown, HTML) in a local folder, one article per file.
package files

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
)

// summaryLen is the longest summary, in runes, before it is cut at a word.
const summaryLen = 300

// Options configures a files source.
type Options struct {
	// Name is the source's configured name: ids are namespaced by it.
	Name string
	// Dir is the folder to read; it is not searched recursively.
	Dir string
	// BaseURL, when set, makes each item's link BaseURL + the file stem.
	BaseURL string
	// Location is the zone of dates written without one; nil means UTC.
	Location *time.Location
	// Now is the clock for relative dates; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Source reads the article files of one folder. Files are parsed again
// only when their size or modification time changes.
type Source struct {
	opts Options

	mu    sync.Mutex
	cache map[string]entry
}

// entry is a parsed file and the stat values it was parsed at.
type entry struct {
	size    int64
	modTime time.Time
	item    *sources.Item
	warning string
}

var _ sources.Source = (*Source)(nil)

// New returns a source reading opts.Dir.
func New(opts Options) *Source {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Source{opts: opts, cache: make(map[string]entry)}
}

// Fetch reads every article file in the folder. A file that cannot be read
// or holds no article becomes a warning; only a missing or unreadable
// folder fails the fetch.
func (s *Source) Fetch(ctx context.Context, _ sources.Request) (*sources.Result, error) {
	dirents, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("read folder %s: %w", s.opts.Dir, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := &sources.Result{}
	seen := make(map[string]bool)
	ids := make(map[string]string) // id -> file, for stems that collide
	for _, de := range dirents {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := de.Name()
		if !isArticleFile(name) || de.IsDir() {
			continue
		}
		seen[name] = true
		e := s.load(ctx, de)
		if e.warning != "" {
			res.Warnings = append(res.Warnings, e.warning)
			continue
		}
		if other, dup := ids[e.item.ID]; dup {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: same link as %s, skipped", name, other))
			continue
		}
		ids[e.item.ID] = name
		res.Items = append(res.Items, *e.item)
	}
	for name := range s.cache {
		if !seen[name] {
			delete(s.cache, name)
		}
	}
	sort.Slice(res.Items, func(i, j int) bool { return res.Items[i].ID < res.Items[j].ID })
	return res, nil
}

func isArticleFile(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md", ".markdown", ".html", ".htm":
		return true
	}
	return false
}

// maxFileSize bounds one article file: a stray archive or disk image in
// the folder is skipped, not read into memory.
const maxFileSize = 16 << 20

// load returns the cached entry for a file when its size and modification
// time are unchanged, and parses it otherwise. The file is opened without
// following a symbolic link and without blocking (a FIFO named like an
// article would hang the fetch), then checked on the opened descriptor, so
// what is read is what was checked: swapping the file for a link to a
// secret after the directory listing gains nothing.
func (s *Source) load(ctx context.Context, de os.DirEntry) entry {
	name := de.Name()
	warn := func(err error) entry { return entry{warning: fmt.Sprintf("%s: %v", name, err)} }
	if !de.Type().IsRegular() {
		return warn(errors.New("not a regular file"))
	}
	f, err := openNoFollow(filepath.Join(s.opts.Dir, name))
	if err != nil {
		return warn(errors.Unwrap(err)) // the *PathError's path is the server's
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return warn(errors.Unwrap(err))
	case !info.Mode().IsRegular():
		return warn(errors.New("not a regular file"))
	case info.Size() > maxFileSize:
		return warn(fmt.Errorf("larger than %d MiB, skipped", maxFileSize>>20))
	}
	if e, ok := s.cache[name]; ok && e.size == info.Size() && e.modTime.Equal(info.ModTime()) {
		return e
	}
	e := entry{size: info.Size(), modTime: info.ModTime()}
	a, err := s.parse(ctx, name, io.LimitReader(f, maxFileSize))
	if err != nil {
		e.warning = fmt.Sprintf("%s: %v", name, err)
		s.opts.Logger.Warn("skipping article file", "file", name, "err", err)
	} else {
		e.item = s.item(name, a)
	}
	s.cache[name] = e
	return e
}

func (s *Source) parse(ctx context.Context, name string, r io.Reader) (*article.Article, error) {
	now := s.opts.Now()
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return article.ParseMarkdown(r, s.opts.Location, now)
	case ".html", ".htm":
		return article.ParseHTML(ctx, r, s.link(name, ""), s.opts.Location, now)
	}
	return article.ParseText(r, s.opts.Location, now)
}

// item maps an article to an item. The ID names the file, so editing a file
// updates its item instead of adding one, and it is unique across sources
// (feeds merge on it): the link made from BaseURL when set, else a URN of
// the source and file names.
func (s *Source) item(name string, a *article.Article) *sources.Item {
	it := &sources.Item{
		ID:         s.id(name),
		Link:       s.link(name, a.Link),
		Title:      a.Title,
		Content:    a.HTML,
		Authors:    a.Authors,
		Categories: a.Categories,
		Published:  a.Published,
	}
	if len(a.Paragraphs) > 0 {
		it.Summary = html.EscapeString(truncate(a.Paragraphs[0], summaryLen))
	}
	return it
}

// id is the item ID of file name: BaseURL + the file stem when BaseURL is
// set, else urn:tributary:files:SOURCE:NAME. The id is published (RSS guid,
// Atom id), so it carries the name relative to the folder, never the
// server's path; the source name keeps two folders apart.
func (s *Source) id(name string) string {
	if s.opts.BaseURL != "" {
		return s.link(name, "")
	}
	escaped := strings.TrimPrefix((&url.URL{Path: "/" + filepath.ToSlash(name)}).EscapedPath(), "/")
	return "urn:tributary:files:" + cmp.Or(s.opts.Name, "files") + ":" + escaped
}

// link is BaseURL + the file stem when BaseURL is set, else the
// document's own canonical link.
func (s *Source) link(name, canonical string) string {
	if s.opts.BaseURL == "" {
		return canonical
	}
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	base := s.opts.BaseURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + url.PathEscape(stem)
}

// truncate cuts s to at most n runes at a word boundary and marks the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
