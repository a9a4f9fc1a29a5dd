package sources

import (
	"hash/fnv"
	"strings"
	"unicode"
)

// simHashMinWords is the least text worth comparing: below it, two short
// items (titles only) would look alike by chance.
const simHashMinWords = 12

// simHashMaxWords bounds the work per item (it runs on every item stored);
// the start of a story is what wire copies share.
const simHashMaxWords = 400

// SimHash is a 64-bit SimHash (Charikar) of the item's normalised text:
// title, then content (else summary) with its tags skipped, lower-cased,
// split into words of letters and digits; each run of three words (a
// shingle) votes with its FNV-1a hash. Tags are skipped by a plain scan, not
// parsed: this runs at ingest on every item, and both copies of a story go
// through the same scan. Near-identical texts get hashes a few bits apart.
// It is 0 when the item has too little text to compare.
func SimHash(it *Item) uint64 {
	body := it.Content
	if body == "" {
		body = it.Summary
	}
	words := appendWords(nil, it.Title)
	words = appendWords(words, body)
	if len(words) < simHashMinWords {
		return 0
	}
	var votes [64]int
	h := fnv.New64a()
	for i := 0; i+3 <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+3] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		v := h.Sum64()
		for b := range votes {
			if v&(1<<b) != 0 {
				votes[b]++
			} else {
				votes[b]--
			}
		}
	}
	var out uint64
	for b, n := range votes {
		if n > 0 {
			out |= 1 << b
		}
	}
	if out == 0 {
		out = 1 // 0 means "no hash"
	}
	return out
}

// appendWords appends the lower-cased words of s outside <tags>, up to
// simHashMaxWords in all.
func appendWords(words []string, s string) []string {
	inTag := false
	start := -1
	flush := func(end int) {
		if start >= 0 && len(words) < simHashMaxWords {
			words = append(words, strings.ToLower(s[start:end]))
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case inTag:
			inTag = r != '>'
		case r == '<':
			flush(i)
			inTag = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
		if len(words) >= simHashMaxWords {
			return words
		}
	}
	flush(len(s))
	return words
}
