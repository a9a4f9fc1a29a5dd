package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	gfeeds "github.com/gorilla/feeds"

	"github.com/tributaryfeeds/tributary/sources"
)

// rssDoc is gorilla's RSS document with the namespaces and elements it lacks
// (atom:link self, dc:creator, several categories). It reuses gorilla's
// types for the elements those get right.
type rssDoc struct {
	XMLName   xml.Name    `xml:"rss"`
	Version   string      `xml:"version,attr"`
	ContentNS string      `xml:"xmlns:content,attr"`
	AtomNS    string      `xml:"xmlns:atom,attr"`
	DCNS      string      `xml:"xmlns:dc,attr"`
	ItunesNS  string      `xml:"xmlns:itunes,attr,omitempty"` // only when used
	MediaNS   string      `xml:"xmlns:media,attr,omitempty"`  // only when used
	Channel   *rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string       `xml:"title"`
	Link          string       `xml:"link"`
	Description   string       `xml:"description"`
	Self          rssAtomLink  `xml:"atom:link"`
	Hubs          []rssHubLink // WebSub, after self
	ArchiveLinks  []rssHubLink // RFC 5005, after the hubs
	LastBuildDate string       `xml:"lastBuildDate"`
	Generator     string       `xml:"generator,omitempty"`
	TTL           int64        `xml:"ttl,omitempty"` // minutes
	Image         *rssImage    `xml:"image"`
	ItunesImage   *itunesImage
	FHArchive     *fhArchive
	Items         []*rssItem `xml:"item"`
}

// rssImage is the channel's <image>; RSS 2.0 requires its link and title
// to match the channel's.
type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

// rssHubLink is an atom:link without a type: rel="hub", and the RFC 5005
// links (whose targets are the same format as the document).
type rssHubLink struct {
	// The element name lives here: a second "atom:link" field tag would
	// conflict with Self's.
	XMLName struct{} `xml:"atom:link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
}

type rssItem struct {
	Title       string             `xml:"title,omitempty"`
	Link        string             `xml:"link,omitempty"`
	Description string             `xml:"description,omitempty"`
	Content     *gfeeds.RssContent // content:encoded, CDATA
	Author      string             `xml:"author,omitempty"`
	Creators    []string           `xml:"dc:creator"`
	Categories  []string           `xml:"category"`
	Enclosure   *gfeeds.RssEnclosure
	GUID        *gfeeds.RssGuid
	PubDate     string     `xml:"pubDate"`
	Source      *rssSource `xml:"source"` // provenance
	rssMedia
}

const generator = "tributary"

func renderRSS(meta *Meta, es []entry) ([]byte, error) {
	doc := &rssDoc{
		Version:   "2.0",
		ContentNS: "http://purl.org/rss/1.0/modules/content/",
		AtomNS:    "http://www.w3.org/2005/Atom",
		DCNS:      "http://purl.org/dc/elements/1.1/",
		Channel: &rssChannel{
			Title:         meta.Title,
			Link:          meta.SiteURL,
			Description:   meta.Description,
			Self:          rssAtomLink{Href: meta.FeedURL, Rel: "self", Type: RSS.mediaType()},
			ArchiveLinks:  rssArchiveLinks(meta),
			LastBuildDate: meta.Updated.Format(time.RFC1123Z),
			Generator:     generator,
			Items:         make([]*rssItem, len(es)),
		},
	}
	if meta.Archive.IsArchive {
		doc.Channel.FHArchive = &fhArchive{}
	}
	if meta.TTL > 0 {
		doc.Channel.TTL = max(int64(meta.TTL/time.Minute), 1)
	}
	if meta.Image != "" {
		doc.Channel.Image = &rssImage{URL: meta.Image, Title: meta.Title, Link: meta.SiteURL}
	}
	for _, h := range meta.Hubs {
		doc.Channel.Hubs = append(doc.Channel.Hubs, rssHubLink{Href: h, Rel: "hub"})
	}
	var podcast, media bool
	for i := range es {
		it := newRSSItem(&es[i])
		doc.Channel.Items[i] = it
		podcast = podcast || it.podcast()
		media = media || len(it.MediaContents) > 0 || len(it.MediaThumbnails) > 0
	}
	if podcast {
		doc.ItunesNS = itunesNS
		if meta.Image != "" {
			doc.Channel.ItunesImage = &itunesImage{Href: meta.Image}
		}
	}
	if media {
		doc.MediaNS = mediaNS
	}
	return encodeXML(doc)
}

func newRSSItem(e *entry) *rssItem {
	it := &rssItem{
		Title:       e.title,
		Link:        e.link,
		Description: e.summary,
		Categories:  e.categories,
		PubDate:     e.date.Format(time.RFC1123Z),
	}
	if it.Description == "" {
		it.Description = e.content
	}
	if e.content != "" {
		it.Content = &gfeeds.RssContent{Content: e.content}
	}
	if e.id != "" {
		it.GUID = &gfeeds.RssGuid{Id: e.id, IsPermaLink: strconv.FormatBool(e.permalink)}
	}
	rssAuthors(it, e.authors)
	it.rssMedia = newRSSMedia(e.media)
	it.Source = newRSSSource(e.origin)
	if len(e.enclosures) > 0 {
		enc := e.enclosures[0] // RSS 2.0 allows one
		it.Enclosure = &gfeeds.RssEnclosure{Url: enc.URL, Type: enc.Type, Length: strconv.FormatInt(enc.Length, 10)}
		if it.Enclosure.Type == "" {
			it.Enclosure.Type = "application/octet-stream"
		}
	}
	return it
}

// rssAuthors writes <author> (which RSS wants as an e-mail) for the first
// author with an e-mail, and dc:creator for everyone else.
func rssAuthors(it *rssItem, authors []sources.Author) {
	for _, a := range authors {
		switch {
		case a.Email != "" && it.Author == "":
			it.Author = a.Email
			if a.Name != "" {
				it.Author = fmt.Sprintf("%s (%s)", a.Email, a.Name)
			}
		default:
			it.Creators = append(it.Creators, authorName(a))
		}
	}
}

// encodeXML writes the XML declaration and the indented document.
func encodeXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode xml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
