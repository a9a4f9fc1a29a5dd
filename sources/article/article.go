// Package article reads a single news article out of a document: a plain
// text file, a Markdown file with optional front matter, or an HTML page. It
// finds the headline, the dateline (date, authors, place, publisher) and the
// body paragraphs, leaving out site chrome such as share widgets, copyright
// lines and registration notices.
package article

import (
	"errors"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// ErrNoArticle is returned when a document has no headline or no body.
var ErrNoArticle = errors.New("no article found")

// Article is what a document says about itself.
type Article struct {
	Title      string
	Published  time.Time // UTC; zero when the document has no date
	Authors    []sources.Author
	Place      string // from a dateline: "in Moscow", "By NAME, PLACE"
	Publisher  string // "China Daily"
	Categories []string
	Link       string // canonical URL when the document gives one
	// Paragraphs are the body paragraphs as plain text.
	Paragraphs []string
	// HTML is the body as HTML: one <p> per paragraph for text, rendered
	// HTML for Markdown and HTML documents.
	HTML string
}
