package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// Meta describes the feed being rendered.
type Meta struct {
	Title       string
	Description string    // empty: Title
	SiteURL     string    // base_url + "/", the alternate (HTML) link
	FeedURL     string    // this format's own URL: base_url/feeds/slug.ext
	Updated     time.Time // when the feed last changed; zero: derived from items (see feedDate)
	ID          string    // stable feed identifier (Atom <id>); empty: SiteURL
	Image       string    // absolute URL of the feed's logo (feeds[].image); may be empty
	// TTL is how long readers may cache the feed (RSS <ttl>, in minutes):
	// the shortest schedule interval of its sources; zero: not said.
	TTL time.Duration
	// Hubs are the WebSub hubs the feed advertises (Atom and RSS
	// link rel="hub", JSON Feed hubs); empty for private feeds.
	Hubs []string
	// Now is the render time, which no feed date may pass; zero: time.Now.
	Now time.Time
	// Archive holds the RFC 5005 links of an archived feed's documents.
	Archive ArchiveLinks
}

// ArchiveLinks are the RFC 5005 links of a document; empty ones are left
// out. The current document of an archived feed has Prev only.
type ArchiveLinks struct {
	IsArchive bool   // an archive page: fh:archive, and Current is set
	Current   string // the current document, same format
	Prev      string // prev-archive: the next older page
	Next      string // next-archive: the next newer page
}

// entry is an item ready for output: sanitized HTML, cleaned text, UTC dates.
type entry struct {
	id         string
	permalink  bool // id is the item's absolute link
	tagID      string
	link       string
	title      string
	summary    string
	content    string
	authors    []sources.Author
	categories []string
	date       time.Time
	updated    time.Time
	image      string
	enclosures []sources.Enclosure
	media      *entryMedia // nil: no enclosures and no media metadata
	origin     *entryOrigin
}

// Render renders items, already selected and ordered, as one format.
func Render(meta Meta, items []sources.Item, f Format) ([]byte, error) {
	meta = meta.normalise(items)
	return renderEntries(&meta, prepare(&meta, items), f)
}

// normalise fills the defaults of meta and removes invalid characters.
func (m Meta) normalise(items []sources.Item) Meta {
	m.Title = xmlClean(m.Title)
	m.Image, _ = absURL(xmlClean(m.Image), nil)
	m.Description = xmlClean(m.Description)
	if m.Description == "" {
		m.Description = m.Title
	}
	if m.ID == "" {
		m.ID = m.SiteURL
	}
	now := m.Now
	if now.IsZero() {
		now = time.Now()
	}
	switch {
	case m.Updated.IsZero():
		m.Updated = feedDate(items, now)
	case m.Updated.After(now):
		m.Updated = now
	}
	m.Updated = m.Updated.UTC().Truncate(time.Second)
	return m
}

func renderEntries(meta *Meta, es []entry, f Format) ([]byte, error) {
	switch f {
	case RSS:
		return renderRSS(meta, es)
	case Atom:
		return renderAtom(meta, es)
	case JSON:
		return renderJSON(meta, es)
	}
	return nil, fmt.Errorf("render: unknown format %d", int(f))
}

// prepare sanitizes and cleans items once for all three formats.
func prepare(meta *Meta, items []sources.Item) []entry {
	out := make([]entry, len(items))
	for i := range items {
		out[i] = newEntry(&items[i])
	}
	return out
}

func newEntry(it *sources.Item) entry {
	link, base := itemLink(it.Link)
	e := entry{
		id:         xmlClean(it.ID),
		link:       link,
		title:      strings.TrimSpace(xmlClean(it.Title)),
		summary:    sanitizeHTML(it.Summary, base),
		content:    sanitizeHTML(it.Content, base),
		date:       it.Date().UTC().Truncate(time.Second),
		categories: cleanStrings(it.Categories),
		authors:    cleanAuthors(it.Authors),
	}
	e.updated = e.date
	if u := it.Updated.UTC().Truncate(time.Second); u.After(e.date) {
		e.updated = u
	}
	if e.id == "" {
		e.id = link
	}
	e.permalink = e.id != "" && e.id == link
	e.tagID = atomID(it.Source, e.id, e.permalink)
	if img, ok := absURL(it.Image, base); ok && publicURL(img) {
		e.image = img
	}
	for _, enc := range it.Enclosures {
		if u, ok := absURL(enc.URL, base); ok && publicURL(u) {
			e.enclosures = append(e.enclosures, sources.Enclosure{URL: u, Type: xmlClean(enc.Type), Length: max(enc.Length, 0)})
		}
	}
	if e.title == "" {
		e.title = fallbackTitle(&e)
	}
	e.media = newEntryMedia(it.Media, e.enclosures, base)
	e.origin = newEntryOrigin(it)
	return e
}

// itemLink returns the item's absolute web link (or "") and the base for its
// relative URLs: the link itself, else none.
func itemLink(raw string) (string, *url.URL) {
	abs := sources.ResolveURL(nil, xmlClean(raw))
	u, err := url.Parse(abs)
	if abs == "" || err != nil {
		// No base at all: the daemon's own base_url is never the base of
		// upstream content. Sources resolve what they can at ingest.
		return "", nil
	}
	return abs, u
}

// atomID is an entry's Atom id: the link when the item's id is its link,
// else a urn derived from source and id so that it never changes.
func atomID(source, id string, permalink bool) string {
	if permalink {
		return id
	}
	if u, err := url.Parse(id); err == nil && u.IsAbs() && !strings.ContainsAny(id, " \t\r\n") {
		return id // already a URI (tag:, urn:, a URL that is not the link)
	}
	sum := sha256.Sum256([]byte(source + "\x00" + id))
	return "urn:tributary:" + hex.EncodeToString(sum[:16])
}

func cleanStrings(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(xmlClean(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func cleanAuthors(as []sources.Author) []sources.Author {
	var out []sources.Author
	for _, a := range as {
		email := strings.TrimSpace(xmlClean(a.Email))
		a = sources.Author{
			Name:  strings.TrimSpace(xmlClean(a.Name)),
			Email: addrSpec(email),
			URL:   strings.TrimSpace(xmlClean(a.URL)),
		}
		if a.Name == "" && a.Email == "" {
			a.Name = email // not an address: keep it as written, as the name
		}
		if a.URL != "" {
			a.URL, _ = absURL(a.URL, nil)
		}
		if a.Name != "" || a.Email != "" {
			out = append(out, a)
		}
	}
	return out
}

// authorName is what to show for an author: the name, else the e-mail.
func authorName(a sources.Author) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}
