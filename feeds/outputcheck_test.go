package feeds

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The checks below are the rules of the W3C feed validator and of the JSON
// Feed 1.1 spec that real-world input has broken in our output (the
// validator itself is not available offline). Each returns one message per
// violation.

type rssCheckDoc struct {
	Channel struct {
		Items []struct {
			Title       *string `xml:"title"`
			Description *string `xml:"description"`
			Link        string  `xml:"link"`
			Authors     []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:"author"` // also matches itunes:author, told apart by XMLName
			PubDate string `xml:"pubDate"`
			GUID    *struct {
				Value       string `xml:",chardata"`
				IsPermaLink string `xml:"isPermaLink,attr"`
			} `xml:"guid"`
			Enclosures []struct {
				URL    string `xml:"url,attr"`
				Length string `xml:"length,attr"`
				Type   string `xml:"type,attr"`
			} `xml:"enclosure"`
		} `xml:"item"`
	} `xml:"channel"`
}

func checkRSS(body []byte) []string {
	var doc rssCheckDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		return []string{"rss: " + err.Error()}
	}
	var errs []string
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("rss item %d: ", i)+fmt.Sprintf(format, args...))
	}
	for i, it := range doc.Channel.Items {
		if (it.Title == nil || strings.TrimSpace(*it.Title) == "") && (it.Description == nil || strings.TrimSpace(*it.Description) == "") {
			bad(i, "ItemMustContainTitleOrDescription")
		}
		if it.Link != "" && !absoluteWeb(it.Link) {
			bad(i, "InvalidURLAttribute link %q", it.Link)
		}
		for _, a := range it.Authors {
			if a.XMLName.Space != "" {
				continue // itunes:author is free text
			}
			addr, _, _ := strings.Cut(a.Value, " ")
			if addrSpec(addr) != addr {
				bad(i, "InvalidContact author %q", a.Value)
			}
		}
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			bad(i, "InvalidRFC2822Date %q", it.PubDate)
		}
		if it.GUID != nil && it.GUID.IsPermaLink != "false" && !absoluteWeb(it.GUID.Value) {
			bad(i, "InvalidHttpGUID %q", it.GUID.Value)
		}
		if len(it.Enclosures) > 1 {
			bad(i, "DuplicateEnclosure")
		}
		for _, e := range it.Enclosures {
			if !absoluteWeb(e.URL) || !publicURL(e.URL) {
				bad(i, "enclosure url %q", e.URL)
			}
			if n, err := strconv.ParseInt(e.Length, 10, 64); err != nil || n < 0 {
				bad(i, "enclosure length %q", e.Length)
			}
			if e.Type == "" {
				bad(i, "enclosure without type")
			}
		}
	}
	return errs
}

type atomCheckPerson struct {
	Name  *string `xml:"name"`
	Email string  `xml:"email"`
	URI   string  `xml:"uri"`
}

type atomCheckDoc struct {
	Authors []atomCheckPerson `xml:"author"`
	Entries []struct {
		ID      string            `xml:"id"`
		Title   *string           `xml:"title"`
		Updated string            `xml:"updated"`
		Authors []atomCheckPerson `xml:"author"`
		Links   []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Content *struct{} `xml:"content"`
	} `xml:"entry"`
}

func checkAtom(body []byte) []string {
	var doc atomCheckDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		return []string{"atom: " + err.Error()}
	}
	var errs []string
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("atom entry %d: ", i)+fmt.Sprintf(format, args...))
	}
	person := func(i int, p atomCheckPerson) {
		if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
			bad(i, "MissingElement author name")
		}
		if p.Email != "" && addrSpec(p.Email) != p.Email {
			bad(i, "InvalidEmail %q", p.Email)
		}
	}
	for _, p := range doc.Authors {
		person(-1, p)
	}
	for i, e := range doc.Entries {
		if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
			bad(i, "InvalidFullLink id %q", e.ID)
		}
		if e.Title == nil || strings.TrimSpace(*e.Title) == "" {
			bad(i, "MissingTitle")
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			bad(i, "InvalidRFC3339Date %q", e.Updated)
		}
		if len(e.Authors) == 0 && len(doc.Authors) == 0 {
			bad(i, "MissingAuthor")
		}
		for _, p := range e.Authors {
			person(i, p)
		}
		alternate := false
		for _, l := range e.Links {
			if !absoluteWeb(l.Href) {
				bad(i, "link href %q", l.Href)
			}
			alternate = alternate || l.Rel == "alternate"
		}
		if e.Content == nil && !alternate {
			bad(i, "MissingContentOrAlternate")
		}
	}
	return errs
}

// checkJSONFeed checks the required fields and types of JSON Feed 1.1.
func checkJSONFeed(body []byte) []string {
	var doc struct {
		Version *string          `json:"version"`
		Title   *string          `json:"title"`
		Items   []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return []string{"json: " + err.Error()}
	}
	var errs []string
	if doc.Version == nil || *doc.Version != jsonFeedVersion {
		errs = append(errs, "json: version")
	}
	if doc.Title == nil || *doc.Title == "" {
		errs = append(errs, "json: title")
	}
	if doc.Items == nil {
		errs = append(errs, "json: items missing")
	}
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("json item %d: ", i)+fmt.Sprintf(format, args...))
	}
	for i, it := range doc.Items {
		if id, ok := it["id"].(string); !ok || id == "" {
			bad(i, "id %v", it["id"])
		}
		_, html := it["content_html"].(string)
		_, text := it["content_text"].(string)
		if !html && !text {
			bad(i, "neither content_html nor content_text")
		}
		for _, k := range []string{"url", "title", "summary", "image", "date_published", "date_modified"} {
			if v, ok := it[k]; ok {
				if _, ok := v.(string); !ok {
					bad(i, "%s is not a string", k)
				}
			}
		}
		atts, _ := it["attachments"].([]any)
		for _, a := range atts {
			m, _ := a.(map[string]any)
			if u, _ := m["url"].(string); !absoluteWeb(u) || !publicURL(u) {
				bad(i, "attachment url %v", m["url"])
			}
			if t, _ := m["mime_type"].(string); t == "" {
				bad(i, "attachment mime_type %v", m["mime_type"])
			}
			if _, has := m["size"]; has {
				bad(i, "attachment has gorilla's \"size\"")
			}
			if n, has := m["size_in_bytes"]; has {
				if f, ok := n.(float64); !ok || f < 0 || f != float64(int64(f)) {
					bad(i, "size_in_bytes %v", n)
				}
			}
		}
		if as, has := it["authors"]; has {
			list, _ := as.([]any)
			for _, a := range list {
				m, _ := a.(map[string]any)
				if n, _ := m["name"].(string); n == "" {
					bad(i, "author without name")
				}
			}
		}
	}
	return errs
}

func absoluteWeb(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
