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
	want := make(map[string]bool)
	for _, ref := range f.Sources {
		if tag, ok := strings.CutPrefix(ref, "tag:"); ok {
			for _, name := range c.sourcesTagged(tag) {
				want[name] = true
			}
			continue
		}
		want[ref] = true
	}
	var names []string
	for _, s := range c.Sources {
		if want[s.Name] {
			names = append(names, s.Name)
			want[s.Name] = false // a duplicate name is listed once
		}
	}
	return names
}

// sourcesTagged returns the names of the sources carrying tag.
func (c *Config) sourcesTagged(tag string) []string {
	var names []string
	for _, s := range c.Sources {
		if slices.Contains(s.Tags, tag) {
			names = append(names, s.Name)
		}
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
			fmt.Fprintf(tw, "  %s\t%q\t<- %s\n", f.Slug, f.Title, strings.Join(c.FeedSources(f), ", "))
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
