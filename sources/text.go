package sources

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text of an HTML fragment (a title, a summary, a
// whole article) as one line: tags are dropped, script and style content is
// skipped, entities are decoded exactly once (the tokenizer decodes text;
// nothing decodes its output again), block tags and <br> separate words
// while inline tags do not, white space is collapsed and invalid UTF-8 is
// dropped.
func PlainText(fragment string) string {
	if !strings.ContainsAny(fragment, "<&") {
		return collapseSpace(fragment)
	}
	var w spaceWriter
	w.b.Grow(len(fragment))
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0 // depth inside script/style, whose text is not prose
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return w.b.String()
		case html.TextToken:
			if skip == 0 {
				w.write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style {
				switch {
				case tt == html.StartTagToken:
					skip++
				case tt == html.EndTagToken && skip > 0:
					skip--
				}
			}
			if !inline[a] {
				w.space = true
			}
		}
	}
}

// inline are the phrasing elements whose tags do not separate words:
// "<b>Hel</b>lo" is one word.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.Font: true, atom.I: true, atom.Ins: true, atom.Kbd: true,
	atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true,
	atom.Span: true, atom.Strike: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.Time: true, atom.Tt: true, atom.U: true, atom.Var: true, atom.Wbr: true,
}

// spaceWriter builds text with runs of white space folded into one space,
// none at either end and invalid UTF-8 dropped.
type spaceWriter struct {
	b     strings.Builder
	space bool // a separator is pending
}

func (w *spaceWriter) write(p []byte) {
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == utf8.RuneError && size == 1:
			// Invalid UTF-8 is dropped.
		case unicode.IsSpace(r):
			w.space = true
		default:
			if w.space && w.b.Len() > 0 {
				w.b.WriteByte(' ')
			}
			w.space = false
			w.b.Write(p[:size])
		}
		p = p[size:]
	}
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}
