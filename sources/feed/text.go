package feed

import (
	"strings"

	"golang.org/x/net/html"
)

// plainText turns a title that may hold HTML into plain text: tags are
// dropped, entities decoded exactly once (the tokenizer decodes text tokens;
// nothing decodes its output again) and whitespace collapsed.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside script/style, whose text is not prose
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			tt := z.Token()
			switch {
			case isRawText(tt.Data) && tt.Type == html.StartTagToken:
				skip++
			case isRawText(tt.Data) && tt.Type == html.EndTagToken && skip > 0:
				skip--
			}
			// Block tags and <br> separate words; inline tags do not.
			if !isInline(tt.Data) {
				b.WriteByte(' ')
			}
		}
	}
}

func isRawText(tag string) bool {
	return tag == "script" || tag == "style"
}

func isInline(tag string) bool {
	switch tag {
	case "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em",
		"font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
		"strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr":
		return true
	}
	return false
}
