package article

import (
	"strings"
	"unicode/utf8"
)

// wrapWidth is the longest line a hard-wrapped text is assumed to have;
// longer lines are whole paragraphs.
const wrapWidth = 100

// paragraphs groups body lines into paragraphs. Blank lines always end a
// paragraph. Inside a block of lines, a hard-wrapped paragraph (short lines
// that do not all end a sentence) is joined, while a block of sentence lines
// is a page without blank lines: one paragraph per line.
func paragraphs(lines []string) []string {
	blocks := splitBlocks(lines)
	var out []string
	for _, b := range blocks {
		switch {
		case len(b) == 1:
			out = append(out, collapse(b[0]))
		case !hardWrapped(b):
			for _, l := range b {
				out = append(out, collapse(l))
			}
		case len(blocks) > 1:
			out = append(out, collapse(strings.Join(b, " ")))
		default:
			out = append(out, splitWrapped(b)...)
		}
	}
	return out
}

func splitBlocks(lines []string) [][]string {
	var blocks [][]string
	var cur []string
	for _, l := range lines {
		if l == "" {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// hardWrapped reports whether a block's lines were broken at a fixed width
// rather than at paragraph ends.
func hardWrapped(b []string) bool {
	width := maxWidth(b)
	if width > wrapWidth {
		return false
	}
	for _, l := range b[:len(b)-1] {
		if !endsSentence(l) {
			return true
		}
	}
	// Every line ends a sentence: still wrapped if the lines are filled to
	// the same width, as a typewriter would leave them.
	if len(b) < 3 {
		return false
	}
	for _, l := range b[:len(b)-1] {
		if utf8.RuneCountInString(l)*100 < width*85 {
			return false
		}
	}
	return true
}

// splitWrapped splits a hard-wrapped text without blank lines into
// paragraphs at lines that end a sentence well short of the wrap width.
func splitWrapped(b []string) []string {
	width := maxWidth(b)
	var out, cur []string
	for _, l := range b {
		cur = append(cur, l)
		if endsSentence(l) && utf8.RuneCountInString(l)*100 < width*80 {
			out = append(out, collapse(strings.Join(cur, " ")))
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, collapse(strings.Join(cur, " ")))
	}
	return out
}

func maxWidth(b []string) int {
	w := 0
	for _, l := range b {
		w = max(w, utf8.RuneCountInString(l))
	}
	return w
}
