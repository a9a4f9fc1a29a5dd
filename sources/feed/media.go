package feed

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/tributaryfeeds/tributary/sources"
)

// Bounds on what one item may carry, so a hostile feed cannot grow an item
// without limit.
const (
	maxMediaContents = 32
	maxThumbnails    = 8
	maxDuration      = 1000 * 3600 // seconds; beyond this a duration is noise
)

// itemMedia reads an item's iTunes and Media RSS metadata; nil when there
// is none.
func itemMedia(gi *gofeed.Item, base *url.URL) *sources.Media {
	m := &sources.Media{}
	if it := gi.ITunesExt; it != nil {
		m.Duration = parseDuration(it.Duration)
		m.Image = sources.ResolveURL(base, strings.TrimSpace(it.Image))
		m.Explicit = parseExplicit(it.Explicit)
		m.Episode = positiveInt(it.Episode)
		m.Season = positiveInt(it.Season)
		m.Author = sources.PlainText(it.Author)
	}
	if mrss := gi.Extensions["media"]; mrss != nil {
		collectMedia(m, mrss, base)
		for _, g := range mrss["group"] {
			collectMedia(m, g.Children, base)
		}
	}
	if m.IsZero() {
		return nil
	}
	return m
}

// collectMedia adds the media:content and media:thumbnail elements of one
// level (the item, or a media:group). A media:content may hold its own
// thumbnails.
func collectMedia(m *sources.Media, exts map[string][]ext.Extension, base *url.URL) {
	for _, c := range exts["content"] {
		u := sources.ResolveURL(base, strings.TrimSpace(c.Attrs["url"]))
		if u == "" || len(m.Contents) >= maxMediaContents {
			continue
		}
		m.Contents = append(m.Contents, sources.MediaContent{
			URL:      u,
			Type:     strings.TrimSpace(c.Attrs["type"]),
			Medium:   parseMedium(c.Attrs["medium"]),
			Length:   nonNegative(c.Attrs["fileSize"]),
			Duration: parseDuration(c.Attrs["duration"]),
			Width:    positiveInt(c.Attrs["width"]),
			Height:   positiveInt(c.Attrs["height"]),
		})
		addThumbnails(m, c.Children["thumbnail"], base)
	}
	addThumbnails(m, exts["thumbnail"], base)
}

func addThumbnails(m *sources.Media, in []ext.Extension, base *url.URL) {
	for _, t := range in {
		u := sources.ResolveURL(base, strings.TrimSpace(t.Attrs["url"]))
		if u == "" || len(m.Thumbnails) >= maxThumbnails {
			continue
		}
		m.Thumbnails = append(m.Thumbnails, sources.Thumbnail{
			URL: u, Width: positiveInt(t.Attrs["width"]), Height: positiveInt(t.Attrs["height"]),
		})
	}
}

// parseDuration reads itunes:duration and media:content duration: seconds
// ("1834", "1834.5"), or "MM:SS", or "HH:MM:SS". Anything else is unknown.
func parseDuration(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0
	}
	var total float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v != v || i < len(parts)-1 && v != float64(int64(v)) {
			return 0
		}
		if i > 0 && v >= 60 {
			return 0 // "1:75" is not a time
		}
		total = total*60 + v
	}
	if total > maxDuration {
		return 0
	}
	return int64(total + 0.5)
}

// parseExplicit maps the spellings podcasts use to "true" or "false".
func parseExplicit(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "explicit":
		return "true"
	case "no", "false", "clean":
		return "false"
	}
	return ""
}

func parseMedium(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "image", "audio", "video", "document", "executable":
		return s
	}
	return ""
}

func positiveInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 1<<30 {
		return 0
	}
	return n
}

func nonNegative(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
