package article

import (
	"regexp"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

var (
	// byPrefix is the "By" that starts a byline.
	byPrefix = regexp.MustCompile(`(?i)^\s*(?:written\s+|reported\s+)?by[:\s]\s*`)
	// authorSep splits "A, B and C", "A & B", "A and B".
	authorSep = regexp.MustCompile(`\s*(?:,\s*and\s+|,|\s+and\s+|\s*&\s*|;)\s*`)
	emailRe   = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$`)
)

// parseAuthors reads a list of names such as "By A, B and C". An entry
// that is an e-mail address becomes an author with only Email set.
func parseAuthors(s string) []sources.Author {
	s = byPrefix.ReplaceAllString(collapse(s), "")
	var out []sources.Author
	for _, part := range authorSep.Split(s, -1) {
		part = strings.Trim(part, " .")
		switch {
		case part == "":
		case emailRe.MatchString(part):
			out = appendAuthors(out, sources.Author{Email: part})
		default:
			out = appendAuthors(out, sources.Author{Name: part})
		}
	}
	return out
}
