package article

import (
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// meta is what an HTML page declares about its article, in the page's own
// words; dates stay strings until merge knows the time zone.
type meta struct {
	title, ogTitle, docTitle string
	link, ogURL, ldURL       string
	dates                    []string // best first
	authors                  []sources.Author
	metaAuthors              []sources.Author
	publisher                string
	categories               []string
}

// readMeta walks the whole document once, collecting JSON-LD, OpenGraph and
// plain meta tags.
func readMeta(doc *html.Node) *meta {
	m := &meta{}
	var ld ldArticle
	var timeAttr string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script:
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") {
					ld.merge(parseJSONLD(textOf(n)))
				}
			case atom.Meta:
				m.readMetaTag(n)
			case atom.Link:
				if hasToken(attr(n, "rel"), "canonical") && m.link == "" {
					m.link = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Title:
				if m.docTitle == "" {
					m.docTitle = collapse(textOf(n))
				}
			case atom.Time:
				if timeAttr == "" {
					timeAttr = strings.TrimSpace(attr(n, "datetime"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	m.title = ld.Headline
	m.ldURL = ld.URL
	m.dates = append([]string{ld.DatePublished}, m.dates...)
	m.dates = append(m.dates, timeAttr, ld.DateModified)
	if len(ld.Authors) > 0 {
		m.authors = ld.Authors
	} else {
		m.authors = m.metaAuthors
	}
	if ld.Publisher != "" {
		m.publisher = ld.Publisher
	}
	m.categories = appendUnique(ld.Categories, m.categories...)
	return m
}

func (m *meta) readMetaTag(n *html.Node) {
	key := strings.ToLower(strings.TrimSpace(attr(n, "property")))
	if key == "" {
		key = strings.ToLower(strings.TrimSpace(attr(n, "name")))
	}
	val := strings.TrimSpace(attr(n, "content"))
	if val == "" {
		return
	}
	switch key {
	case "og:title", "twitter:title":
		if m.ogTitle == "" {
			m.ogTitle = collapse(val)
		}
	case "og:url":
		if m.ogURL == "" {
			m.ogURL = val
		}
	case "og:site_name":
		if m.publisher == "" {
			m.publisher = collapse(val)
		}
	case "article:published_time", "og:published_time", "date", "pubdate", "publishdate",
		"dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date":
		m.dates = append(m.dates, val)
	case "author", "dc.creator", "article:author", "parsely-author":
		if !strings.Contains(val, "://") {
			m.metaAuthors = appendAuthors(m.metaAuthors, parseAuthors(val)...)
		}
	case "article:section", "article:tag":
		m.categories = appendUnique(m.categories, collapse(val))
	}
}

// merge fills in a with what the page declared, which is preferred to what
// readability guessed.
func (m *meta) merge(a *Article, loc *time.Location, now time.Time) {
	a.Title = firstNonEmpty(m.title, m.ogTitle, a.Title, m.docTitle)
	a.Link = firstNonEmpty(m.link, m.ogURL, m.ldURL, a.Link)
	for _, d := range m.dates {
		// Without a clock, a relative date would land in year zero.
		if t, err := ParseDate(d, loc, now); err == nil && d != "" && (!now.IsZero() || t.Year() > 1900) {
			a.Published = t
			break
		}
	}
	if len(m.authors) > 0 {
		a.Authors = m.authors
	}
	a.Publisher = firstNonEmpty(m.publisher, a.Publisher)
	a.Categories = appendUnique(a.Categories, m.categories...)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// textOf returns the text inside n, without markup.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func appendUnique(list []string, add ...string) []string {
	for _, s := range add {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		dup := false
		for _, have := range list {
			if strings.EqualFold(have, s) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, s)
		}
	}
	return list
}

func appendAuthors(list []sources.Author, add ...sources.Author) []sources.Author {
	for _, a := range add {
		dup := false
		for _, have := range list {
			if strings.EqualFold(have.Name, a.Name) && a.Name != "" {
				dup = true
				break
			}
		}
		if !dup && (a.Name != "" || a.Email != "") {
			list = append(list, a)
		}
	}
	return list
}
