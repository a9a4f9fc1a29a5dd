package postgres

import (
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// clean makes s storable as PostgreSQL text, which rejects NUL bytes and
// invalid UTF-8; SQLite stores both, and a bad byte from one upstream must
// not fail a whole batch.
func clean(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// cleanItem returns a copy of it with every string cleaned.
func cleanItem(it *sources.Item) sources.Item {
	c := *it
	for _, p := range []*string{&c.ID, &c.Link, &c.Title, &c.Summary, &c.Content, &c.Image} {
		*p = clean(*p)
	}
	c.Authors = append([]sources.Author(nil), it.Authors...)
	for i := range c.Authors {
		a := &c.Authors[i]
		a.Name, a.Email, a.URL = clean(a.Name), clean(a.Email), clean(a.URL)
	}
	c.Categories = append([]string(nil), it.Categories...)
	for i := range c.Categories {
		c.Categories[i] = clean(c.Categories[i])
	}
	c.Enclosures = append([]sources.Enclosure(nil), it.Enclosures...)
	for i := range c.Enclosures {
		e := &c.Enclosures[i]
		e.URL, e.Type = clean(e.URL), clean(e.Type)
	}
	return c
}

// cleanAll cleans every name.
func cleanAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = clean(n)
	}
	return out
}
