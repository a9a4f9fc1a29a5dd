package feeds

import (
	"bytes"
	"encoding/json"
	"fmt"

	gfeeds "github.com/gorilla/feeds"

	"github.com/tributaryfeeds/tributary/sources"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed shadows gorilla's omitempty Items so that an empty feed still has
// "items": [].
type jsonFeed struct {
	*gfeeds.JSONFeed
	Items     []*jsonItem  `json:"items"`
	Tributary *jsonFeedExt `json:"_tributary,omitempty"`
}

// jsonFeedExt is our JSON Feed extension at the feed level: what RFC 5005
// says of an archive page in XML. (next_url already links to the next
// older page.)
type jsonFeedExt struct {
	About       string `json:"about"`
	Archive     bool   `json:"archive,omitempty"`
	Current     string `json:"current,omitempty"`
	NextArchive string `json:"next_archive,omitempty"` // the next newer page
}

// jsonExtAbout documents the _tributary extension, as JSON Feed asks.
const jsonExtAbout = "https://github.com/tributaryfeeds/tributary#json-feed-extension"

// jsonItem replaces gorilla's attachments, whose size is an int32 under
// the wrong name, with our own.
type jsonItem struct {
	*gfeeds.JSONItem
	Attachments []jsonAttachment `json:"attachments,omitempty"`
	Tributary   *jsonItemExt     `json:"_tributary,omitempty"` // provenance
}

// jsonAttachment is a JSON Feed 1.1 attachment.
type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
	Duration int64  `json:"duration_in_seconds,omitempty"`
}

func renderJSON(meta *Meta, es []entry) ([]byte, error) {
	feed := jsonFeed{
		JSONFeed: &gfeeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       meta.Title,
			HomePageUrl: meta.SiteURL,
			FeedUrl:     meta.FeedURL,
			Description: meta.Description,
			Icon:        meta.Image,
			NextUrl:     meta.Archive.Prev, // older items, as JSON Feed pagination goes
		},
		Items: make([]*jsonItem, len(es)),
	}
	for _, h := range meta.Hubs {
		feed.Hubs = append(feed.Hubs, &gfeeds.JSONHub{Type: "WebSub", Url: h})
	}
	if a := meta.Archive; a.IsArchive {
		feed.Tributary = &jsonFeedExt{About: jsonExtAbout, Archive: true, Current: a.Current, NextArchive: a.Next}
	}
	for i := range es {
		feed.Items[i] = newJSONItem(&es[i])
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return nil, fmt.Errorf("encode json feed: %w", err)
	}
	return b.Bytes(), nil
}

func newJSONItem(e *entry) *jsonItem {
	it := &gfeeds.JSONItem{
		Id:            e.id,
		Url:           e.link,
		Title:         e.title,
		Summary:       sources.PlainText(e.summary), // JSON Feed wants plain text
		Image:         e.image,
		PublishedDate: &e.date,
		ModifiedDate:  &e.updated,
		Tags:          e.categories,
	}
	switch {
	case e.content != "":
		it.ContentHTML = e.content
	case e.summary != "":
		it.ContentHTML = e.summary
	default:
		it.ContentText = e.title
	}
	if it.ContentText == "" && it.ContentHTML == "" {
		it.ContentText = e.link // an item must carry some content
	}
	for _, a := range e.authors {
		it.Authors = append(it.Authors, &gfeeds.JSONAuthor{Name: authorName(a), Url: a.URL})
	}
	out := &jsonItem{JSONItem: it, Tributary: newJSONItemExt(e.origin)}
	if e.media != nil {
		if it.Image == "" {
			it.Image = e.media.image
		}
		for _, c := range e.media.contents {
			out.Attachments = append(out.Attachments, jsonAttachment{URL: c.URL, MIMEType: mediaType(c), Size: c.Length, Duration: c.Duration})
		}
	}
	return out
}
