package article

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributaryfeeds/tributary/sources"
)

// headScan is how many non-blank lines at the top may hold the headline
// and the dateline.
const headScan = 12

// ParseText reads a plain-text article: optional site and section lines,
// the headline, a dateline, share widgets, the body, then boilerplate
// (the author's e-mail, copyright and registration lines). Dates without a
// zone are read in loc; relative dates count back from now.
func ParseText(r io.Reader, loc *time.Location, now time.Time) (*Article, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("read text: %w", err)
	}
	a := parseLines(splitLines(string(b)), loc, now)
	if a.Title == "" || len(a.Paragraphs) == 0 {
		return a, ErrNoArticle
	}
	return a, nil
}

// parseLines finds the head (headline and dateline), the body and the tail
// of a text article.
func parseLines(lines []string, loc *time.Location, now time.Time) *Article {
	a := &Article{}
	tail := readTail(lines)
	start, end, d := findDateline(lines, loc, now, tail.publisher)
	bodyStart := end
	if d.ok {
		a.Published, a.Authors, a.Place, a.Publisher = d.date, d.authors, d.place, d.publisher
		a.Title = headlineBefore(lines[:start])
	}
	if a.Title == "" {
		i := firstHeadline(lines[end:])
		if i >= 0 {
			a.Title = lines[end+i]
			bodyStart = end + i + 1
		}
	}
	body, stop := bodyLines(lines[bodyStart:], a.Title)
	a.Paragraphs = paragraphs(body)
	a.HTML = paragraphsHTML(a.Paragraphs)
	tail = readTail(lines[bodyStart+stop:])
	a.Authors = attachEmail(a.Authors, tail.email)
	if a.Publisher == "" {
		a.Publisher = tail.publisher
	}
	a.Categories = tail.categories
	return a
}

// findDateline returns the line range of the dateline among the first
// lines, stopping at the first line of prose. When there is none, start and
// end are 0.
func findDateline(lines []string, loc *time.Location, now time.Time, publisher string) (int, int, dateline) {
	seen := 0
	for i := 0; i < len(lines) && seen < headScan; i++ {
		if lines[i] == "" {
			continue
		}
		seen++
		if isProse(lines[i]) {
			break
		}
		d := parseDateline(lines[i], loc, now, publisher)
		if !d.ok {
			continue
		}
		end := i + 1
		// A dateline may continue on the next lines: "Published: 7 June
		// 2023" then "By NAME, PLACE", or a row of share buttons.
		for end < len(lines) {
			if lines[end] == "" || isWidget(lines[end]) {
				end++
				continue
			}
			if isProse(lines[end]) {
				break
			}
			more := parseDateline(lines[end], loc, now, publisher)
			if !more.ok {
				break
			}
			d.merge(more)
			end++
		}
		return i, end, d
	}
	return 0, 0, dateline{}
}

// merge adds what a continuation line of a dateline says.
func (d *dateline) merge(o dateline) {
	if d.date.IsZero() {
		d.date = o.date
	}
	d.authors = appendAuthors(d.authors, o.authors...)
	d.place = firstNonEmpty(d.place, o.place)
	d.publisher = firstNonEmpty(d.publisher, o.publisher)
}

// headlineBefore returns the last non-trivial line above the dateline.
func headlineBefore(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if !isTrivial(lines[i]) && !isProse(lines[i]) {
			return lines[i]
		}
	}
	return ""
}

// firstHeadline returns the index of the first line that can be a
// headline, or -1 when prose comes first.
func firstHeadline(lines []string) int {
	seen := 0
	for i, l := range lines {
		if l == "" {
			continue
		}
		if seen++; seen > headScan || isProse(l) {
			return -1
		}
		if !isTrivial(l) {
			return i
		}
	}
	return -1
}

// bodyLines returns the body lines (blank lines kept, widgets dropped) and
// the index where the boilerplate starts.
func bodyLines(lines []string, title string) ([]string, int) {
	var body []string
	for i, l := range lines {
		switch {
		case l == "":
			body = append(body, l)
		case isBoilerplate(l) || emailInLine.MatchString(l) || tagsLine.MatchString(l):
			return body, i
		case isWidget(l), len(body) == 0 && strings.EqualFold(l, title):
		default:
			body = append(body, l)
		}
	}
	return body, len(lines)
}

// tail is what the lines after the body say about the article.
type tail struct {
	email      string
	publisher  string
	categories []string
}

func readTail(lines []string) tail {
	var t tail
	for _, l := range lines {
		if m := emailInLine.FindStringSubmatch(l); m != nil && t.email == "" {
			t.email = m[1]
		}
		if m := tagsLine.FindStringSubmatch(l); m != nil {
			t.categories = appendUnique(t.categories, strList(m[1])...)
		}
		if m := copyrightHolder.FindStringSubmatch(l); m != nil && t.publisher == "" && utf8.RuneCountInString(l) < 200 {
			if name := strings.TrimSpace(m[1]); looksLikeName(name) {
				t.publisher = name
			}
		}
	}
	return t
}

// attachEmail gives an e-mail address found alone on a line to the author
// whose name it resembles, else to the only author, else to a new author.
func attachEmail(authors []sources.Author, email string) []sources.Author {
	if email == "" {
		return authors
	}
	local := strings.ToLower(email[:strings.IndexByte(email, '@')])
	for i, a := range authors {
		if a.Email == "" && nameMatches(a.Name, local) {
			authors[i].Email = email
			return authors
		}
	}
	if len(authors) == 1 && authors[0].Email == "" {
		authors[0].Email = email
		return authors
	}
	return append(authors, sources.Author{Email: email})
}

// nameMatches reports whether an e-mail local part is made of the name's
// words ("renqi", "ren.qi", "rqi").
func nameMatches(name, local string) bool {
	words := strings.Fields(strings.ToLower(name))
	if len(words) == 0 {
		return false
	}
	joined := strings.Join(words, "")
	clean := strings.NewReplacer(".", "", "_", "", "-", "").Replace(local)
	last := words[len(words)-1]
	return clean == joined || strings.Contains(clean, last) && strings.HasPrefix(clean, words[0][:1])
}

// paragraphsHTML renders plain paragraphs as <p> elements.
func paragraphsHTML(ps []string) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>\n")
	}
	return b.String()
}
