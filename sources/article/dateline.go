package article

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tributaryfeeds/tributary/sources"
)

// dateline is what the line under a headline says: when, by whom, where
// and for which publication.
type dateline struct {
	date      time.Time
	authors   []sources.Author
	place     string
	publisher string
	// strong is true when the line carries a byline or a date label, so it
	// cannot be a headline that happens to contain a date.
	strong bool
	ok     bool
}

var (
	monthName   = regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b`)
	numericDate = regexp.MustCompile(`\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}年`)
	relative    = regexp.MustCompile(`(?i)\bago\b|^yesterday$|^today$`)
	dateLabel   = regexp.MustCompile(`(?i)^(?:last\s+)?(?:updated|published|posted|modified|date)(?:\s+on)?\s*:?$|^on$`)
	segmentSep  = regexp.MustCompile(`\s*[|·•]\s*|\s+[—–]\s+`)
	byWord      = regexp.MustCompile(`(?i)(?:^|\s)(?:written\s+|reported\s+)?by\s+`)
)

// bylineLead is how many words may stand before "By" in a byline
// ("Story and photos by ...").
const bylineLead = 4

// parseDateline reads one line as a dateline. publisher is a publication
// name known from elsewhere in the document, used to tell a place from a
// publisher in "in Moscow China Daily"; it may be empty.
func parseDateline(line string, loc *time.Location, now time.Time, publisher string) dateline {
	var d dateline
	if utf8.RuneCountInString(line) > 200 || isWidget(line) {
		return d
	}
	leftover := 0
	for _, seg := range segmentSep.Split(line, -1) {
		leftover += d.readSegment(seg, loc, now, publisher)
	}
	hasDate := !d.date.IsZero()
	d.ok = d.strong || hasDate && leftover <= 4
	return d
}

// readSegment reads one "|"-separated part of a dateline and returns how
// many words it could not account for.
func (d *dateline) readSegment(seg string, loc *time.Location, now time.Time, publisher string) int {
	words := trimWidgets(strings.Fields(seg))
	if len(words) == 0 {
		return 0
	}
	if i, j, t, ok := findDate(words, loc, now); ok {
		if d.date.IsZero() {
			d.date = t
		}
		if i > 0 && dateLabel.MatchString(strings.Join(words[:i], " ")) {
			d.strong = true
			i = 0
		}
		words = append(append([]string(nil), words[:i]...), words[j:]...)
	}
	rest := strings.Join(words, " ")
	if dateLabel.MatchString(rest) {
		d.strong = true
		return 0
	}
	// "by" deep inside a segment is prose ("extend the line by four
	// stops"), not a byline.
	if loc := byWord.FindStringIndex(rest); loc != nil && len(strings.Fields(rest[:loc[0]])) <= bylineLead {
		d.strong = true
		before := strings.TrimSpace(rest[:loc[0]])
		d.readByline(rest[loc[1]:], publisher)
		if before != "" && !dateLabel.MatchString(before) {
			return len(strings.Fields(before))
		}
		return 0
	}
	if looksLikeName(rest) && d.publisher == "" && (d.strong || len(d.authors) > 0) {
		d.publisher = rest
		return 0
	}
	return len(words)
}

// readByline reads what follows "By": names, then an optional place after
// "in" or a comma, then an optional publisher.
func (d *dateline) readByline(s, publisher string) {
	s = strings.TrimSpace(s)
	names, after, found := cutWord(s, "in")
	if !found {
		names, after, found = cutWord(s, "for")
		if found {
			d.publisher = strings.TrimSpace(after)
			after = ""
		}
	}
	if !found {
		if i := strings.LastIndex(s, ","); i > 0 && !strings.Contains(s[i:], " and ") && !strings.Contains(s[i:], "&") {
			names, after = s[:i], s[i+1:]
		}
	}
	d.authors = appendAuthors(d.authors, parseAuthors(names)...)
	d.place, d.publisher = splitPlace(strings.TrimSpace(after), publisher, d.publisher)
}

// splitPlace separates "Moscow China Daily" into a place and a publisher,
// using a publisher name known from elsewhere when there is one.
func splitPlace(s, known, pub string) (string, string) {
	if s == "" {
		return "", pub
	}
	if known != "" && pub == "" {
		if strings.EqualFold(s, known) {
			return "", known
		}
		if strings.HasSuffix(strings.ToLower(s), " "+strings.ToLower(known)) {
			return strings.TrimSpace(s[:len(s)-len(known)]), s[len(s)-len(known):]
		}
	}
	words := strings.Fields(s)
	if pub == "" && len(words) >= 3 && looksLikeName(s) {
		return words[0], strings.Join(words[1:], " ")
	}
	return s, pub
}

// cutWord splits s around the first standalone word w.
func cutWord(s, w string) (string, string, bool) {
	words := strings.Fields(s)
	for i, x := range words {
		if i > 0 && x == w {
			return strings.Join(words[:i], " "), strings.Join(words[i+1:], " "), true
		}
	}
	return s, "", false
}

// looksLikeName reports whether every word of s starts with an upper-case
// letter and there are few of them: a name, a place or a publication.
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !strings.EqualFold(w, "of") && !strings.EqualFold(w, "the") {
			return false
		}
	}
	return true
}

// findDate finds the earliest, longest run of words that is a date and
// returns its bounds.
func findDate(words []string, loc *time.Location, now time.Time) (int, int, time.Time, bool) {
	for i := range words {
		for j := min(len(words), i+7); j > i; j-- {
			cand := strings.Join(words[i:j], " ")
			if !dateLike(cand) {
				continue
			}
			if t, err := ParseDate(cand, loc, now); err == nil {
				return i, j, t, true
			}
		}
	}
	return 0, 0, time.Time{}, false
}

// dateLike is a cheap filter before ParseDate: a date needs a digit and a
// month name or a numeric date, or is relative.
func dateLike(s string) bool {
	if relative.MatchString(s) {
		return true
	}
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	return monthName.MatchString(s) || numericDate.MatchString(s)
}
