package article

import (
	"html"
	"regexp"
	"strings"
)

var (
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	mdCode   = regexp.MustCompile("`([^`]+)`")
	mdStrong = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	mdEm     = regexp.MustCompile(`\*([^*\s][^*]*)\*|\b_([^_\s][^_]*)_\b`)
)

// inlineText strips inline Markdown (links, emphasis, code) to plain text.
func inlineText(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdStrong.ReplaceAllString(s, "$1$2")
	s = mdEm.ReplaceAllString(s, "$1$2")
	return collapse(strings.ReplaceAll(s, `\`, ""))
}

// inlineHTML renders inline Markdown as HTML. Text is escaped first, so
// raw HTML in the source stays text; only http(s), mailto and relative
// link targets are kept.
func inlineHTML(s string) string {
	s = html.EscapeString(s)
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		text, href := sub[1], sub[2]
		if !safeHref(html.UnescapeString(href)) {
			return text
		}
		if strings.HasPrefix(m, "!") {
			return `<img src="` + href + `" alt="` + text + `">`
		}
		return `<a href="` + href + `">` + text + `</a>`
	})
	s = mdCode.ReplaceAllString(s, "<code>$1</code>")
	s = mdStrong.ReplaceAllString(s, "<strong>$1$2</strong>")
	s = mdEm.ReplaceAllString(s, "<em>$1$2</em>")
	return s
}

func safeHref(h string) bool {
	lower := strings.ToLower(strings.TrimSpace(h))
	if i := strings.Index(lower, ":"); i >= 0 {
		scheme := lower[:i]
		if !strings.ContainsAny(scheme, "/?#") {
			return scheme == "http" || scheme == "https" || scheme == "mailto"
		}
	}
	return lower != ""
}
