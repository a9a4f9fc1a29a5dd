package article

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// mdBlock is one block of a Markdown body. The renderer covers what
// articles use: paragraphs, headings, lists, quotes, code and rules.
type mdBlock struct {
	kind  string // "p", "h", "ul", "ol", "quote", "code", "hr"
	level int
	text  string   // p, h, quote, code
	items []string // ul, ol
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	mdBullet  = regexp.MustCompile(`^[-*+]\s+(.*)$`)
	mdOrdered = regexp.MustCompile(`^\d{1,9}[.)]\s+(.*)$`)
	mdRule    = regexp.MustCompile(`^(?:-\s*){3,}$|^(?:\*\s*){3,}$|^(?:_\s*){3,}$`)
)

// parseBlocks splits Markdown lines into blocks; paragraph lines are
// joined, as Markdown does with soft line breaks.
func parseBlocks(lines []string) []mdBlock {
	var out []mdBlock
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case l == "":
			i++
		case strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~"):
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(lines[j], l[:3]) {
				j++
			}
			out = append(out, mdBlock{kind: "code", text: strings.Join(lines[i+1:j], "\n")})
			i = j + 1
		case mdHeading.MatchString(l):
			m := mdHeading.FindStringSubmatch(l)
			out = append(out, mdBlock{kind: "h", level: len(m[1]), text: m[2]})
			i++
		case mdRule.MatchString(l):
			out = append(out, mdBlock{kind: "hr"})
			i++
		case mdBullet.MatchString(l), mdOrdered.MatchString(l):
			b, n := parseList(lines[i:])
			out = append(out, b)
			i += n
		case strings.HasPrefix(l, ">"):
			j := i
			var q []string
			for j < len(lines) && strings.HasPrefix(lines[j], ">") {
				q = append(q, strings.TrimSpace(strings.TrimPrefix(lines[j], ">")))
				j++
			}
			out = append(out, mdBlock{kind: "quote", text: collapse(strings.Join(q, " "))})
			i = j
		default:
			j := i
			for j < len(lines) && lines[j] != "" && !startsBlock(lines[j]) {
				j++
			}
			j = max(j, i+1)
			out = append(out, mdBlock{kind: "p", text: collapse(strings.Join(lines[i:j], " "))})
			i = j
		}
	}
	return out
}

func startsBlock(l string) bool {
	return mdHeading.MatchString(l) || mdBullet.MatchString(l) || mdOrdered.MatchString(l) ||
		strings.HasPrefix(l, ">") || strings.HasPrefix(l, "```")
}

// parseList reads consecutive list items; an indented or plain line
// continues the previous item.
func parseList(lines []string) (mdBlock, int) {
	b := mdBlock{kind: "ul"}
	if mdOrdered.MatchString(lines[0]) {
		b.kind = "ol"
	}
	n := 0
	for ; n < len(lines) && lines[n] != ""; n++ {
		m := mdBullet.FindStringSubmatch(lines[n])
		if m == nil {
			m = mdOrdered.FindStringSubmatch(lines[n])
		}
		switch {
		case m != nil:
			b.items = append(b.items, m[1])
		case len(b.items) > 0 && !startsBlock(lines[n]):
			b.items[len(b.items)-1] += " " + lines[n]
		default:
			return b, n
		}
	}
	return b, n
}

// dropTitleHeading removes headings that repeat the title.
func dropTitleHeading(blocks []mdBlock, title string) []mdBlock {
	out := blocks[:0:0]
	for _, b := range blocks {
		if b.kind == "h" && strings.EqualFold(inlineText(b.text), title) {
			continue
		}
		out = append(out, b)
	}
	return out
}

func renderBlocks(blocks []mdBlock) string {
	var s strings.Builder
	for _, b := range blocks {
		switch b.kind {
		case "p":
			s.WriteString("<p>" + inlineHTML(b.text) + "</p>\n")
		case "h":
			tag := "h" + strconv.Itoa(b.level)
			s.WriteString("<" + tag + ">" + inlineHTML(b.text) + "</" + tag + ">\n")
		case "quote":
			s.WriteString("<blockquote><p>" + inlineHTML(b.text) + "</p></blockquote>\n")
		case "code":
			s.WriteString("<pre><code>" + html.EscapeString(b.text) + "</code></pre>\n")
		case "hr":
			s.WriteString("<hr>\n")
		case "ul", "ol":
			s.WriteString("<" + b.kind + ">\n")
			for _, it := range b.items {
				s.WriteString("<li>" + inlineHTML(it) + "</li>\n")
			}
			s.WriteString("</" + b.kind + ">\n")
		}
	}
	return s.String()
}

// blockParagraphs returns the plain text of paragraph and quote blocks.
func blockParagraphs(blocks []mdBlock) []string {
	var out []string
	for _, b := range blocks {
		if b.kind == "p" || b.kind == "quote" {
			if t := inlineText(b.text); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}
