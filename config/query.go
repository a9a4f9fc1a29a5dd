package config

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// Source returns the source named name.
func (c *Config) Source(name string) (*Source, bool) {
	for i := range c.Sources {
		if c.Sources[i].Name == name {
			return &c.Sources[i], true
		}
	}
	return nil, false
}

// Feed returns the feed with the given slug.
func (c *Config) Feed(slug string) (*Feed, bool) {
	for i := range c.Feeds {
		if c.Feeds[i].Slug == slug {
			return &c.Feeds[i], true
		}
	}
	return nil, false
}

// FeedSources resolves the names and "tag:x" selectors of f into source
// names, each once, in the order the sources appear in the configuration.
// Unknown names are dropped (validation reports them).
func (c *Config) FeedSources(f *Feed) []string {
	return c.newSourceIndex().feedSources(c, f)
}

// sourceIndex finds sources by name and by tag without scanning them all:
// with thousands of sources and feeds, resolving every feed by a scan is
// quadratic. It is valid while c.Sources does not change.
type sourceIndex struct {
	pos    map[string]int      // name -> position of its first occurrence
	tagged map[string][]string // tag -> names, in configuration order
}

func (c *Config) newSourceIndex() *sourceIndex {
	ix := &sourceIndex{pos: make(map[string]int, len(c.Sources)), tagged: make(map[string][]string)}
	for i := range c.Sources {
		s := &c.Sources[i]
		if _, dup := ix.pos[s.Name]; !dup {
			ix.pos[s.Name] = i
		}
		for _, t := range s.Tags {
			ix.tagged[t] = append(ix.tagged[t], s.Name)
		}
	}
	return ix
}

// feedSources is FeedSources through the index: names in configuration
// order, each once, unknown names left out.
func (ix *sourceIndex) feedSources(c *Config, f *Feed) []string {
	seen := make(map[int]bool)
	var at []int
	add := func(name string) {
		if i, ok := ix.pos[name]; ok && !seen[i] {
			seen[i] = true
			at = append(at, i)
		}
	}
	for _, ref := range f.Sources {
		if tag, ok := strings.CutPrefix(ref, "tag:"); ok {
			for _, name := range ix.tagged[tag] {
				add(name)
			}
			continue
		}
		add(ref)
	}
	slices.Sort(at)
	var names []string
	for _, i := range at {
		names = append(names, c.Sources[i].Name)
	}
	return names
}

// Summary describes c for "tributary check": counts, then each source and
// each feed with the sources it resolves to.
func (c *Config) Summary() string {
	var b strings.Builder
	file := c.Path
	if file == "" {
		file = "config"
	}
	fmt.Fprintf(&b, "%s: ok: %s, %s; storage %s; serving %s\n", file,
		plural(len(c.Sources), "source"), plural(len(c.Feeds), "feed"),
		c.Storage.Driver, c.Server.BaseURL)
	if len(c.Sources) > 0 {
		b.WriteString("\nsources:\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for i := range c.Sources {
			s := &c.Sources[i]
			where := s.URL
			if s.Kind == KindFiles {
				where = s.Path
			}
			sched := c.Fetch.Schedule
			if s.Compiled != nil {
				sched = s.Compiled.Schedule.Spec
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Name, s.Kind, sched, where)
		}
		tw.Flush()
	}
	if len(c.Feeds) > 0 {
		b.WriteString("\nfeeds:\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for i := range c.Feeds {
			f := &c.Feeds[i]
			fmt.Fprintf(tw, "  %s\t%q\t<- %s\n", f.Slug, f.Title, strings.Join(c.summarySources(f), ", "))
		}
		tw.Flush()
	}
	if p := c.pushSummary(); p != "" {
		b.WriteString("\npush: " + p + "\n")
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// summarySources are the feed's sources as compiled, else resolved now.
func (c *Config) summarySources(f *Feed) []string {
	if f.Compiled != nil {
		return f.Compiled.Sources
	}
	return c.FeedSources(f)
}
