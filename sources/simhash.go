package sources

import (
	"unicode"
	"unicode/utf8"
)

// simHashMinWords is the least text worth comparing: below it, two short
// items (titles only) would look alike by chance.
const simHashMinWords = 12

// simHashMaxWords bounds the work per item (it runs on every item stored);
// the start of a story is what wire copies share.
const simHashMaxWords = 250

// SimHash is a 64-bit SimHash (Charikar) of the item's normalised text:
// title, then content (else summary) with its tags skipped, lower-cased,
// split into words of letters and digits; each run of three words (a
// shingle) votes with a hash of the three. Near-identical texts get hashes
// a few bits apart. It is 0 when the item has too little text to compare.
//
// Tags are skipped by a plain scan, not parsed, and nothing is allocated:
// this runs at ingest on every item stored, and both copies of a story go
// through the same scan.
func SimHash(it *Item) uint64 {
	body := it.Content
	if body == "" {
		body = it.Summary
	}
	var s shingler
	s.add(it.Title)
	s.add(body)
	if s.words < simHashMinWords {
		return 0
	}
	var out uint64
	for b, n := range s.votes {
		if n > 0 {
			out |= 1 << b
		}
	}
	if out == 0 {
		out = 1 // 0 means "no hash"
	}
	return out
}

// shingler hashes words as they are scanned and votes with each shingle.
type shingler struct {
	votes  [64]int32
	prev   [2]uint64 // the two words before the current one
	words  int
	word   uint64 // FNV-1a of the word being read
	inWord bool
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (s *shingler) add(text string) {
	inTag := false
	for i := 0; i < len(text) && s.words < simHashMaxWords; {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		switch {
		case inTag:
			inTag = r != '>'
		case r == '<':
			s.endWord()
			inTag = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !s.inWord {
				s.inWord, s.word = true, fnvOffset
			}
			r = unicode.ToLower(r)
			for r > 0 { // the rune's bytes, low first: any fixed order will do
				s.word = (s.word ^ uint64(r&0xff)) * fnvPrime
				r >>= 8
			}
		default:
			s.endWord()
		}
	}
	s.endWord()
}

func (s *shingler) endWord() {
	if !s.inWord {
		return
	}
	s.inWord = false
	s.words++
	if s.words >= 3 {
		v := mix(s.prev[0]*3 + s.prev[1]*5 + s.word*7)
		for b := range s.votes {
			s.votes[b] += int32(v>>b&1)*2 - 1
		}
	}
	s.prev[0], s.prev[1] = s.prev[1], s.word
}

// mix is SplitMix64's finaliser: every input bit moves about half of the
// output bits, as SimHash needs of its feature hashes.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
