package sources

import "time"

// Media is an item's podcast (iTunes) and Media RSS metadata, carried from
// ingest to output. The zero value means none.
type Media struct {
	// Duration is the running time in seconds (itunes:duration); 0 unknown.
	Duration int64  `json:"duration,omitempty"`
	Image    string `json:"image,omitempty"` // itunes:image, absolute
	// Explicit is "true" or "false" (itunes:explicit); "" unknown.
	Explicit string `json:"explicit,omitempty"`
	Episode  int    `json:"episode,omitempty"` // itunes:episode; 0 unknown
	Season   int    `json:"season,omitempty"`  // itunes:season; 0 unknown
	Author   string `json:"author,omitempty"`  // itunes:author, plain text
	// Contents are the media:content elements (including those inside
	// media:group), in document order.
	Contents   []MediaContent `json:"contents,omitempty"`
	Thumbnails []Thumbnail    `json:"thumbnails,omitempty"` // media:thumbnail
}

// MediaContent is one media:content element.
type MediaContent struct {
	URL      string `json:"url"`
	Type     string `json:"type,omitempty"`
	Medium   string `json:"medium,omitempty"` // image, audio, video, document, executable
	Length   int64  `json:"length,omitempty"` // fileSize in bytes; 0 unknown
	Duration int64  `json:"duration,omitempty"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
}

// Thumbnail is one media:thumbnail element.
type Thumbnail struct {
	URL    string `json:"url"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

// IsZero reports whether m carries nothing.
func (m *Media) IsZero() bool {
	return m == nil || m.Duration == 0 && m.Image == "" && m.Explicit == "" && m.Episode == 0 &&
		m.Season == 0 && m.Author == "" && len(m.Contents) == 0 && len(m.Thumbnails) == 0
}

// Origin is where an item came from: the upstream document it was read
// from, for provenance in merged feeds. The zero value means unknown.
type Origin struct {
	ID      string    `json:"id,omitempty"`     // the upstream feed's id (Atom id), if any
	Title   string    `json:"title,omitempty"`  // the upstream's title, plain text
	Link    string    `json:"link,omitempty"`   // the upstream's web page
	URL     string    `json:"url,omitempty"`    // the document fetched (feed URL), credentials removed
	Updated time.Time `json:"updated,omitzero"` // the upstream's own updated date
}

// IsZero reports whether o carries nothing.
func (o *Origin) IsZero() bool {
	return o == nil || o.ID == "" && o.Title == "" && o.Link == "" && o.URL == "" && o.Updated.IsZero()
}
