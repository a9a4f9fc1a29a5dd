package feeds

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"

	gfeeds "github.com/gorilla/feeds"

	"github.com/tributaryfeeds/tributary/sources"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed shadows gorilla's omitempty Items so that an empty feed still has
// "items": [].
type jsonFeed struct {
	*gfeeds.JSONFeed
	Items []*gfeeds.JSONItem `json:"items"`
}

func renderJSON(meta *Meta, es []entry) ([]byte, error) {
	feed := jsonFeed{
		JSONFeed: &gfeeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       meta.Title,
			HomePageUrl: meta.SiteURL,
			FeedUrl:     meta.FeedURL,
			Description: meta.Description,
		},
		Items: make([]*gfeeds.JSONItem, len(es)),
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

func newJSONItem(e *entry) *gfeeds.JSONItem {
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
	for _, enc := range e.enclosures {
		it.Attachments = append(it.Attachments, gfeeds.JSONAttachment{
			Url: enc.URL, MIMEType: cmp.Or(enc.Type, "application/octet-stream"), Size: int32(min(enc.Length, math.MaxInt32)),
		})
	}
	return it
}
