package feeds

import (
	"encoding/xml"
	"strconv"
	"time"

	gfeeds "github.com/gorilla/feeds"
)

const atomNS = "http://www.w3.org/2005/Atom"

// atomFeed replaces gorilla's AtomFeed, whose id is always the link, which
// has one <link> only and may leave <updated> empty; the leaf types are
// gorilla's.
type atomFeed struct {
	XMLName   xml.Name           `xml:"feed"`
	Xmlns     string             `xml:"xmlns,attr"`
	Title     string             `xml:"title"`
	Subtitle  string             `xml:"subtitle,omitempty"`
	ID        string             `xml:"id"`
	Updated   string             `xml:"updated"`
	Links     []gfeeds.AtomLink  // alternate and self
	Author    *gfeeds.AtomAuthor // so entries without authors stay valid
	Generator string             `xml:"generator,omitempty"`
	Logo      string             `xml:"logo,omitempty"`
	FHArchive *fhArchive
	Entries   []*atomEntry `xml:"entry"`
}

// atomEntry adds what gorilla's AtomEntry lacks: several authors and
// categories with a term.
type atomEntry struct {
	Title      string               `xml:"title"`
	ID         string               `xml:"id"`
	Published  string               `xml:"published"`
	Updated    string               `xml:"updated"`
	Links      []gfeeds.AtomLink    //
	Authors    []*gfeeds.AtomAuthor //
	Categories []atomCategory       `xml:"category"`
	Summary    *gfeeds.AtomSummary
	Content    *gfeeds.AtomContent
	Source     *atomSource // provenance
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

func renderAtom(meta *Meta, es []entry) ([]byte, error) {
	feed := &atomFeed{
		Xmlns:    atomNS,
		Title:    meta.Title,
		Subtitle: meta.Description,
		ID:       meta.ID,
		Updated:  meta.Updated.Format(time.RFC3339),
		Links: []gfeeds.AtomLink{
			{Href: meta.SiteURL, Rel: "alternate", Type: "text/html"},
			{Href: meta.FeedURL, Rel: "self", Type: Atom.mediaType()},
		},
		Author:    &gfeeds.AtomAuthor{AtomPerson: gfeeds.AtomPerson{Name: meta.Title}},
		Generator: generator,
		Logo:      meta.Image,
		Entries:   make([]*atomEntry, len(es)),
	}
	for _, l := range archiveLinks(meta) {
		feed.Links = append(feed.Links, gfeeds.AtomLink{Href: l.href, Rel: l.rel, Type: Atom.mediaType()})
	}
	if meta.Archive.IsArchive {
		feed.FHArchive = &fhArchive{}
	}
	if feed.Author.Name == "" {
		feed.Author.Name = generator
	}
	for _, h := range meta.Hubs {
		feed.Links = append(feed.Links, gfeeds.AtomLink{Href: h, Rel: "hub"})
	}
	for i := range es {
		feed.Entries[i] = newAtomEntry(&es[i])
	}
	return encodeXML(feed)
}

func newAtomEntry(e *entry) *atomEntry {
	x := &atomEntry{
		Title:     e.title,
		ID:        e.tagID,
		Published: e.date.Format(time.RFC3339),
		Updated:   e.updated.Format(time.RFC3339),
	}
	if e.link != "" {
		x.Links = append(x.Links, gfeeds.AtomLink{Href: e.link, Rel: "alternate", Type: "text/html"})
	}
	if e.media != nil {
		// Every file: the enclosures, then media:content files they lack.
		for _, c := range e.media.contents {
			x.Links = append(x.Links, gfeeds.AtomLink{Href: c.URL, Rel: "enclosure", Type: c.Type, Length: lengthAttr(c.Length)})
		}
	}
	for _, a := range e.authors {
		x.Authors = append(x.Authors, &gfeeds.AtomAuthor{AtomPerson: gfeeds.AtomPerson{Name: authorName(a), Email: a.Email, Uri: a.URL}})
	}
	for _, c := range e.categories {
		x.Categories = append(x.Categories, atomCategory{Term: c})
	}
	atomText(x, e)
	x.Source = newAtomSource(e.origin)
	return x
}

// atomText sets content (full, else summary) and summary. An entry without
// content must link to it, so a bare item carries its title as text.
func atomText(x *atomEntry, e *entry) {
	body := e.content
	if body == "" {
		body = e.summary
	}
	switch {
	case body != "":
		x.Content = &gfeeds.AtomContent{Content: body, Type: "html"}
	case e.link == "":
		x.Content = &gfeeds.AtomContent{Content: e.title, Type: "text"}
	}
	if e.summary != "" && e.summary != body {
		x.Summary = &gfeeds.AtomSummary{Content: e.summary, Type: "html"}
	}
}

func lengthAttr(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
