package sources

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxClockSkew is how far ahead of the fetch time an item's date may lie
// and still be believed: upstream clocks and time zones are often a little
// off, but an item dated next year is a mistake or a trick to stay on top.
const MaxClockSkew = time.Hour

// CheckDate returns t, or the zero time when t lies more than MaxClockSkew
// after now. A zero date makes the store date the item by when it was first
// seen, which is the fetch time and, unlike now itself, stays the same on
// later fetches. A zero now disables the check.
func CheckDate(t, now time.Time) time.Time {
	if !now.IsZero() && t.After(now.Add(MaxClockSkew)) {
		return time.Time{}
	}
	return t
}

// titleLen is the length, in characters, of a title made from text.
const titleLen = 80

// TitleFromText makes a title for an item that has none out of its summary
// or content (HTML): the start of its plain text, cut
// at a word boundary within about 80 characters and ended with "…" when cut.
func TitleFromText(fragment string) string {
	text := PlainText(fragment)
	if utf8.RuneCountInString(text) <= titleLen {
		return text
	}
	cut := 0 // byte offset of the titleLen-th rune
	for i := range text {
		if cut == titleLen {
			cut = i
			break
		}
		cut++
	}
	head := text[:cut]
	// Cut at the last space, unless the cut already falls between words or
	// that would throw away most of the title (a very long word, or a
	// script without spaces).
	next, _ := utf8.DecodeRuneInString(text[cut:])
	if i := strings.LastIndexByte(head, ' '); i >= titleLen/2 && !unicode.IsSpace(next) && !unicode.IsPunct(next) {
		head = head[:i]
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '”'
	})
	return head + "…"
}
