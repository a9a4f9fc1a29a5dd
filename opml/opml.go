// Package opml writes and reads OPML 2.0 subscription lists, and turns an
// imported list into source entries for tributary's config.yaml.
package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html/charset"
)

// Outline is one subscription: a feed's title, its feed URL, its web page
// and its OPML type (usually "rss", whatever the feed's actual format).
type Outline struct {
	Title   string
	XMLURL  string
	HTMLURL string
	Type    string
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

// Import reads an OPML document and returns its subscriptions in document
// order. Nested outlines (folders) are flattened; outlines without an
// xmlUrl are skipped. A title falls back to the outline's text.
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
	flatten(doc.Body, &out)
	return out, nil
}

func flatten(in []outline, out *[]Outline) {
	for _, o := range in {
		if o.XMLURL != "" {
			title := o.Title
			if title == "" {
				title = o.Text
			}
			*out = append(*out, Outline{Title: title, XMLURL: o.XMLURL, HTMLURL: o.HTMLURL, Type: o.Type})
		}
		flatten(o.Children, out)
	}
}
