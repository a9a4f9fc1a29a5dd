// Package opml writes and reads OPML 2.0 subscription lists, and turns an
// imported list into source entries for tributary's config.yaml.
package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html/charset"
)

// Outline is one subscription: a feed's title, its feed URL, its web page
// and its OPML type (usually "rss", whatever the feed's actual format).
type Outline struct {
	Title   string
	XMLURL  string
	HTMLURL string
	Type    string
	// Folders holds the titles of the folder outlines that enclose an
	// imported subscription, outermost first. Export ignores it.
	Folders []string
}

type document struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	Title   string    `xml:"head>title"`
	Body    []outline `xml:"body>outline"`
}

type outline struct {
	Text     string    `xml:"text,attr"`
	Title    string    `xml:"title,attr,omitempty"`
	Type     string    `xml:"type,attr,omitempty"`
	XMLURL   string    `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string    `xml:"htmlUrl,attr,omitempty"`
	Children []outline `xml:"outline"`
}

// Export writes feeds as an OPML 2.0 document titled title. An outline
// without a Type gets "rss", as OPML 2.0 asks of subscription lists. The
// output has no dateCreated, so the same feeds always give the same bytes.
func Export(w io.Writer, title string, feeds []Outline) error {
	doc := document{Version: "2.0", Title: title, Body: make([]outline, 0, len(feeds))}
	for _, f := range feeds {
		typ := f.Type
		if typ == "" {
			typ = "rss"
		}
		doc.Body = append(doc.Body, outline{
			Text: f.Title, Title: f.Title, Type: typ, XMLURL: f.XMLURL, HTMLURL: f.HTMLURL,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("opml: encode: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	return nil
}

// FeedsTitle is the title of the OPML document listing tributary's
// published feeds, at /opml and from "tributary opml export".
const FeedsTitle = "tributary feeds"

// Feed is a published feed as ExportFeeds lists it.
type Feed struct {
	Slug, Title string
}

// FeedOutline returns the outline of the published feed slug: its Atom
// URL under baseURL, and baseURL's index page as its web page.
func FeedOutline(baseURL, slug, title string) Outline {
	base := strings.TrimRight(baseURL, "/")
	return Outline{Title: title, XMLURL: base + "/feeds/" + slug + ".atom", HTMLURL: base + "/", Type: "rss"}
}

// ExportFeeds writes the OPML document of tributary's published feeds
// (FeedsTitle, one FeedOutline each). The server and the command line
// both use it, so the two can never differ.
func ExportFeeds(w io.Writer, baseURL string, feeds []Feed) error {
	outs := make([]Outline, len(feeds))
	for i, f := range feeds {
		outs[i] = FeedOutline(baseURL, f.Slug, f.Title)
	}
	return Export(w, FeedsTitle, outs)
}

// Import reads an OPML document and returns its subscriptions in document
// order, as written: URLs are not checked (SourcesYAML does that). Nested
// outlines are flattened, each remembering its enclosing folders; outlines
// without an xmlUrl are folders or skipped. A title falls back to the
// outline's text.
func Import(r io.Reader) ([]Outline, error) {
	dec := xml.NewDecoder(r)
	// OPML files exported by older readers are often ISO-8859-1 or Windows-1252.
	dec.CharsetReader = charset.NewReaderLabel
	var doc document
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("opml: parse: empty document")
		}
		return nil, fmt.Errorf("opml: parse: %w", err)
	}
	var out []Outline
	flatten(doc.Body, nil, &out)
	return out, nil
}

func flatten(in []outline, folders []string, out *[]Outline) {
	for _, o := range in {
		title := o.Title
		if title == "" {
			title = o.Text
		}
		inner := folders
		if o.XMLURL != "" {
			*out = append(*out, Outline{
				Title: title, XMLURL: o.XMLURL, HTMLURL: o.HTMLURL, Type: o.Type,
				Folders: slices.Clip(folders),
			})
		} else if strings.TrimSpace(title) != "" {
			inner = append(slices.Clip(folders), title)
		}
		flatten(o.Children, inner, out)
	}
}
