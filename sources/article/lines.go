package article

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// widgetWords are the labels of share buttons, print links and similar
// controls that text copied from a web page carries around the article.
var widgetWords = map[string]bool{
	"share": true, "print": true, "email": true, "e-mail": true, "wechat": true, "weibo": true,
	"facebook": true, "twitter": true, "x": true, "linkedin": true, "whatsapp": true,
	"telegram": true, "reddit": true, "pinterest": true, "tweet": true, "copy": true,
	"link": true, "comments": true, "comment": true, "save": true, "listen": true,
	"follow": true, "bookmark": true, "messenger": true, "qzone": true, "font": true,
	"size": true, "a+": true, "a-": true, "-": true, "|": true, "•": true, "·": true, "/": true,
}

var (
	boilerplatePrefix = regexp.MustCompile(`(?i)^(?:copyright|©|\(c\)|all rights reserved|related (?:stories|articles|news|posts|coverage|content|links)|read more|more from|recommended|you (?:may|might) also like|share this|follow us|sign up|advertisement$|top stories$|most (?:read|popular|viewed))`)
	boilerplateAny    = regexp.MustCompile(`(?i)all rights reserved|licen[cs]ed under|creative commons|©|(?:^|[^A-Za-z])ICP(?:[^A-Za-z]|$)|公网安备|备案`)
	copyrightHolder   = regexp.MustCompile(`(?i)(?:copyright|©|\(c\))(?:\s|©|\(c\))*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,]*([^.|,©]+)`)
	tagsLine          = regexp.MustCompile(`(?i)^(?:tags|keywords|topics|categories)\s*:\s*(.+)$`)
	emailInLine       = regexp.MustCompile(`^(?i:e-?mail:?\s*)?<?([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?$`)
)

// splitLines normalises line endings and invalid UTF-8 and trims each line.
func splitLines(s string) []string {
	s = strings.TrimPrefix(s, "\ufeff")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' })
	}
	return lines
}

// normToken lower-cases a word and trims punctuation around it, keeping
// the sign of "A+" and "A-".
func normToken(w string) string {
	w = strings.ToLower(w)
	if w == "a+" || w == "a-" {
		return w
	}
	if t := strings.Trim(w, ".,:;!?()[]{}\"'"); t != "" {
		return t
	}
	return w
}

// isWidget reports whether a line consists only of widget labels.
func isWidget(line string) bool {
	words := strings.Fields(line)
	if len(words) == 0 || len(words) > 12 {
		return false
	}
	for _, w := range words {
		if !widgetWords[normToken(w)] {
			return false
		}
	}
	return true
}

// trimWidgets drops widget labels from the end of a list of words.
func trimWidgets(words []string) []string {
	for len(words) > 0 && widgetWords[normToken(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	return words
}

// isBoilerplate reports whether a line starts the page furniture that
// follows an article.
func isBoilerplate(line string) bool {
	if boilerplatePrefix.MatchString(line) {
		return true
	}
	return utf8.RuneCountInString(line) < 200 && boilerplateAny.MatchString(line)
}

// isTrivial reports whether a line above the dateline cannot be the
// headline: a domain, a one-word section, a breadcrumb or a widget.
func isTrivial(line string) bool {
	words := strings.Fields(line)
	switch {
	case len(words) == 0, len(words) == 1:
		return true
	case isWidget(line):
		return true
	case strings.Contains(line, " > ") || strings.Contains(line, " » ") || strings.Contains(line, " / "):
		return true
	}
	lower := strings.ToLower(line)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "www.")
}

// isProse reports whether a line reads like a body sentence rather than a
// headline or a dateline.
func isProse(line string) bool {
	n := utf8.RuneCountInString(line)
	if n > 200 {
		return true
	}
	return len(strings.Fields(line)) >= 15 && endsSentence(line)
}

// endsSentence reports whether a line ends with sentence punctuation,
// possibly followed by a closing quote or bracket.
func endsSentence(line string) bool {
	line = strings.TrimRight(line, "\"'”’»)]")
	r, _ := utf8.DecodeLastRuneInString(line)
	return strings.ContainsRune(".!?。！？…:", r)
}
