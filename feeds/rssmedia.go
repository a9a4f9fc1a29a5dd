package feeds

import "encoding/xml"

// rssMedia is what an RSS item carries of podcasts and Media RSS. Every
// file is a media:content (the first enclosure is also the item's one
// <enclosure>), so readers that know Media RSS see all of them.
type rssMedia struct {
	ItunesDuration  string       `xml:"itunes:duration,omitempty"`
	ItunesImage     *itunesImage //
	ItunesExplicit  string       `xml:"itunes:explicit,omitempty"`
	ItunesEpisode   int          `xml:"itunes:episode,omitempty"`
	ItunesSeason    int          `xml:"itunes:season,omitempty"`
	ItunesAuthor    string       `xml:"itunes:author,omitempty"`
	MediaContents   []mediaContent
	MediaThumbnails []mediaThumbnail
}

type itunesImage struct {
	XMLName xml.Name `xml:"itunes:image"`
	Href    string   `xml:"href,attr"`
}

type mediaContent struct {
	XMLName  xml.Name `xml:"media:content"`
	URL      string   `xml:"url,attr"`
	FileSize int64    `xml:"fileSize,attr,omitempty"`
	Type     string   `xml:"type,attr,omitempty"`
	Medium   string   `xml:"medium,attr,omitempty"`
	Duration int64    `xml:"duration,attr,omitempty"`
	Width    int      `xml:"width,attr,omitempty"`
	Height   int      `xml:"height,attr,omitempty"`
}

type mediaThumbnail struct {
	XMLName xml.Name `xml:"media:thumbnail"`
	URL     string   `xml:"url,attr"`
	Width   int      `xml:"width,attr,omitempty"`
	Height  int      `xml:"height,attr,omitempty"`
}

func newRSSMedia(m *entryMedia) rssMedia {
	var r rssMedia
	if m == nil {
		return r
	}
	if m.duration > 0 {
		r.ItunesDuration = hhmmss(m.duration)
	}
	if m.image != "" {
		r.ItunesImage = &itunesImage{Href: m.image}
	}
	r.ItunesExplicit = m.explicit
	r.ItunesEpisode, r.ItunesSeason = m.episode, m.season
	r.ItunesAuthor = m.author
	for _, c := range m.contents {
		r.MediaContents = append(r.MediaContents, mediaContent{
			URL: c.URL, FileSize: c.Length, Type: c.Type, Medium: c.Medium,
			Duration: c.Duration, Width: c.Width, Height: c.Height,
		})
	}
	for _, t := range m.thumbnails {
		r.MediaThumbnails = append(r.MediaThumbnails, mediaThumbnail{URL: t.URL, Width: t.Width, Height: t.Height})
	}
	return r
}

// podcast reports whether the item uses the iTunes namespace.
func (r *rssMedia) podcast() bool {
	return r.ItunesDuration != "" || r.ItunesImage != nil || r.ItunesExplicit != "" ||
		r.ItunesEpisode > 0 || r.ItunesSeason > 0 || r.ItunesAuthor != ""
}
