package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// toUTF8 converts a feed body to UTF-8 and makes its XML declaration, if
// any, say so; gofeed and the pre-pass then read one encoding only. The
// encoding is, in order: a byte-order mark (UTF-8, UTF-16 and UTF-32, either
// byte order), the first bytes of an XML document without one (XML 1.0
// appendix F), the XML declaration, the Content-Type charset, else UTF-8
// when the bytes are valid UTF-8 and windows-1252 otherwise, as browsers do.
// A single-byte encoding (ISO-8859-1, windows-1252...) declared for bytes
// that are valid UTF-8 with multi-byte sequences is a mislabel: the bytes
// are read as UTF-8, as browsers and Miniflux do, so that "Café" does not
// become "CafÃ©".
func toUTF8(body []byte, contentType string) ([]byte, error) {
	if enc, n := sniffUnicode(body); enc != nil {
		out, err := enc.NewDecoder().Bytes(body[n:])
		if err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		return declareUTF8(bytes.TrimPrefix(out, []byte("\xef\xbb\xbf"))), nil
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	label := xmlDeclEncoding(body)
	if label == "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			label = params["charset"]
		}
	}
	if label == "" {
		if utf8.Valid(body) {
			return body, nil
		}
		out, err := charmap.Windows1252.NewDecoder().Bytes(body)
		return declareUTF8(out), err
	}
	enc, name := charset.Lookup(label)
	switch {
	case enc == nil:
		// An unknown label is common noise; trust the bytes if they are UTF-8.
		if utf8.Valid(body) {
			return declareUTF8(body), nil
		}
		return nil, fmt.Errorf("unknown charset %q", truncate(label, 40))
	case name == "utf-8", singleByte(name) && utf8.Valid(body) && hasMultiByte(body):
		return declareUTF8(body), nil // invalid bytes are cleaned by cleanXML
	case strings.HasPrefix(name, "utf-16"):
		// Declared UTF-16 without a mark and without a '<' in UTF-16:
		// the bytes are something else, most often UTF-8.
		if utf8.Valid(body) {
			return declareUTF8(body), nil
		}
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return declareUTF8(out), nil
}

// sniffUnicode returns the UTF-16 or UTF-32 encoding a body's first bytes
// reveal (a byte-order mark, or "<?" / "<" in that encoding) and the length
// of the mark to skip, or nil.
func sniffUnicode(b []byte) (encoding.Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{0x00, '<', 0x00}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, '?', 0x00}), bytes.HasPrefix(b, []byte{'<', 0x00, 'r', 0x00}), bytes.HasPrefix(b, []byte{'<', 0x00, 'f', 0x00}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0
	}
	return nil, 0
}

// singleByte reports whether an encoding (by its WHATWG name) maps each
// byte to one character, so that a UTF-8 mislabel is easy to recognise.
func singleByte(name string) bool {
	return strings.HasPrefix(name, "iso-8859-") || strings.HasPrefix(name, "windows-125") ||
		name == "macintosh" || name == "koi8-r" || name == "koi8-u" || name == "ibm866"
}

func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

var declEncoding = regexp.MustCompile(`encoding\s*=\s*("[^"]*"|'[^']*')`)

// declareUTF8 rewrites the encoding of a leading XML declaration to UTF-8.
func declareUTF8(body []byte) []byte {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if !bytes.HasPrefix(trimmed, []byte("<?xml")) {
		return body
	}
	start := len(body) - len(trimmed)
	end := bytes.Index(trimmed, []byte("?>"))
	if end < 0 || end > 512 {
		return body
	}
	decl := trimmed[:end]
	loc := declEncoding.FindIndex(decl)
	if loc == nil {
		return body
	}
	out := make([]byte, 0, len(body)+8)
	out = append(out, body[:start+loc[0]]...)
	out = append(out, `encoding="UTF-8"`...)
	out = append(out, body[start+loc[1]:]...)
	return out
}

// truncate cuts s to at most n bytes on a rune boundary, for messages that
// quote upstream text.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// isJSON reports whether body looks like a JSON Feed rather than XML.
func isJSON(body []byte) bool {
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

// xmlDeclEncoding returns the encoding named in a leading
// <?xml ... encoding="..."?>, or "".
func xmlDeclEncoding(body []byte) string {
	body = bytes.TrimLeft(body, " \t\r\n")
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(body, []byte("?>"))
	if end < 0 || end > 512 {
		return ""
	}
	m := declEncoding.FindSubmatch(body[:end])
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1][1 : len(m[1])-1]))
}
