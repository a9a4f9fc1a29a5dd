package feeds

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// Namespaces of the podcast and media elements in RSS. They are declared
// only by a document that uses them, so feeds without media stay as they
// were.
const (
	itunesNS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	mediaNS  = "http://search.yahoo.com/mrss/"
)

// entryMedia is an item's media, cleaned for output: absolute URLs, valid
// characters. Contents are every enclosure followed by the media:content
// elements whose URL no enclosure has, so each file is listed once.
type entryMedia struct {
	duration   int64
	image      string
	explicit   string
	episode    int
	season     int
	author     string
	contents   []sources.MediaContent
	thumbnails []sources.Thumbnail
}

func newEntryMedia(m *sources.Media, encs []sources.Enclosure, base *url.URL) *entryMedia {
	if m.IsZero() && len(encs) == 0 {
		return nil
	}
	em := &entryMedia{}
	seen := make(map[string]bool)
	for _, e := range encs { // already absolute and cleaned
		seen[e.URL] = true
		c := sources.MediaContent{URL: e.URL, Type: e.Type, Length: e.Length}
		if m != nil && len(seen) == 1 {
			c.Duration = m.Duration // itunes:duration describes the enclosure
		}
		em.contents = append(em.contents, c)
	}
	if m == nil {
		return em
	}
	em.duration = max(m.Duration, 0)
	em.explicit = m.Explicit
	em.episode, em.season = max(m.Episode, 0), max(m.Season, 0)
	em.author = strings.TrimSpace(xmlClean(m.Author))
	if u, ok := absURL(xmlClean(m.Image), base); ok && publicURL(u) {
		em.image = u
	}
	for _, c := range m.Contents {
		u, ok := absURL(xmlClean(c.URL), base)
		if !ok || seen[u] || !publicURL(u) {
			continue
		}
		seen[u] = true
		c.URL, c.Type, c.Medium = u, xmlClean(c.Type), xmlClean(c.Medium)
		c.Length, c.Duration, c.Width, c.Height = max(c.Length, 0), max(c.Duration, 0), max(c.Width, 0), max(c.Height, 0)
		em.contents = append(em.contents, c)
	}
	for _, t := range m.Thumbnails {
		if u, ok := absURL(xmlClean(t.URL), base); ok && publicURL(u) {
			em.thumbnails = append(em.thumbnails, sources.Thumbnail{URL: u, Width: max(t.Width, 0), Height: max(t.Height, 0)})
		}
	}
	return em
}

// hhmmss formats seconds as itunes:duration wants them.
func hhmmss(secs int64) string {
	return fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
}

// mediaType is c's type, or the generic one for outputs that need one.
func mediaType(c sources.MediaContent) string {
	if c.Type != "" {
		return c.Type
	}
	return "application/octet-stream"
}
