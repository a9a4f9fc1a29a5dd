package feed

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// cleanXML drops what XML 1.0 forbids and encoding/xml rejects with a
// syntax error for the whole document: C0 control bytes other than tab, LF
// and CR; numeric character references to code points outside the XML
// character range (&#x1;, &#0;, &#xFFFE;, surrogates); and, in a UTF-8
// body, the raw non-characters U+FFFE and U+FFFF. Invalid UTF-8 in a body
// that is UTF-8 becomes U+FFFD. One bad character in one title then costs
// that character, not every item of the feed. enc is the encoding the body
// declares, "" when it declares none (the body is then already UTF-8).
// body is returned as is, without a copy, when there is nothing to drop.
func cleanXML(body []byte, enc string) []byte {
	if !asciiCompatible(enc) {
		return body // a control byte may be part of a character there
	}
	isUTF8 := enc == "" || strings.EqualFold(enc, "utf-8") || strings.EqualFold(enc, "utf8")
	if isUTF8 && !utf8.Valid(body) {
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	i := 0
	for i < len(body) && invalidAt(body, i, isUTF8) == 0 {
		i++
	}
	if i == len(body) {
		return body
	}
	out := make([]byte, i, len(body))
	copy(out, body[:i])
	for i < len(body) {
		c := body[i]
		if c != '&' { // references are checked on out, below
			if n := invalidAt(body, i, isUTF8); n > 0 {
				i += n
				continue
			}
		}
		out = append(out, c)
		i++
		if c == ';' {
			// Dropping "\x01" from "&\x01#1;", or "&#x1;" from "&#&#x1;1;",
			// forms a new reference: check what the parser will see.
			out = dropTrailingRef(out)
		}
	}
	return out
}

// dropTrailingRef removes a forbidden character reference that ends out.
func dropTrailingRef(out []byte) []byte {
	j := len(out) - 2
	for j >= 0 && (out[j] == '#' || out[j] == 'x' || out[j] == 'X' || digitVal(out[j], 16) >= 0) {
		j--
	}
	if j >= 0 && out[j] == '&' {
		if n := badCharRef(out[j:]); n == len(out)-j {
			return out[:j]
		}
	}
	return out
}

// asciiCompatible reports whether the bytes below 0x80 of a body in enc
// are ASCII, so that a byte-wise scan cannot cut a character in two.
func asciiCompatible(enc string) bool {
	enc = strings.ToLower(enc)
	for _, p := range []string{"utf-16", "utf16", "utf-32", "utf32", "ucs", "iso-2022", "csiso2022"} {
		if strings.HasPrefix(enc, p) {
			return false
		}
	}
	return true
}

// invalidAt returns the length of the forbidden sequence that starts at
// b[i], or 0.
func invalidAt(b []byte, i int, isUTF8 bool) int {
	switch c := b[i]; {
	case c < 0x20:
		if c == '\t' || c == '\n' || c == '\r' {
			return 0
		}
		return 1
	case c == '&':
		return badCharRef(b[i:])
	case c == 0xEF && isUTF8:
		// U+FFFE and U+FFFF are EF BF BE and EF BF BF.
		if i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			return 3
		}
	}
	return 0
}

// badCharRef returns the length of the numeric character reference at the
// start of b when it names a code point that XML does not allow, else 0.
// A malformed reference (no digits, no semicolon) is left alone:
// encoding/xml passes it through as text.
func badCharRef(b []byte) int {
	if len(b) < 4 || b[1] != '#' {
		return 0
	}
	i, base := 2, rune(10)
	if b[2] == 'x' || b[2] == 'X' {
		i, base = 3, 16
	}
	start := i
	var r rune
	for ; i < len(b); i++ {
		d := digitVal(b[i], base)
		if d < 0 {
			break
		}
		if r <= utf8.MaxRune {
			r = r*base + d // beyond MaxRune it only has to stay beyond
		}
	}
	if i == start || i == len(b) || b[i] != ';' {
		return 0
	}
	if inXMLRange(r) {
		return 0
	}
	return i + 1
}

func digitVal(c byte, base rune) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// inXMLRange is the Char production of XML 1.0, section 2.2.
func inXMLRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}
