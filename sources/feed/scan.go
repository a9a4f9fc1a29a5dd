package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxDepth bounds the nesting of XML elements in a feed. Real feeds nest a
// dozen levels; a document nesting 300,000 (3 MB of "<a>") costs the parser
// hundreds of MiB, so it is refused by the pre-pass before gofeed sees it.
const MaxDepth = 256

// ErrTooDeep is returned for a document nesting elements deeper than
// MaxDepth.
var ErrTooDeep = errors.New("xml nests deeper than 256 elements")

// scanned is what the streaming pre-pass learned about an XML document.
type scanned struct {
	// items counts the item and entry elements (without a prefix).
	items int
	// titleTypes is the type attribute of each item's title, in document
	// order ("" when absent): Atom says whether a title is text or HTML.
	titleTypes []string
	// repaired is the document made well-formed, nil when it already was;
	// problems says what was repaired.
	repaired []byte
	problems []string
	// read is how far the pre-pass read, in bytes.
	read int64
}

// maxEdits bounds the repairs of one document: a document that needs more
// is not one a forgiving parser reads sensibly either, and each repair
// costs memory.
const maxEdits = 1000

// edit replaces body[at:at+del] with insert.
type edit struct {
	at, del int64
	insert  string
}

// scanXML reads an XML document (already UTF-8) once, token by token, in
// bounded memory: it refuses nesting deeper than MaxDepth as soon as it
// sees it, stops when ctx is done, counts the items, and works out the
// smallest repair that makes an ill-formed document well-formed the way a
// forgiving parser reads it: an end tag closes the elements left open
// inside it (an unclosed extension element), a stray end tag is dropped, and
// at a truncation (a missing </rss>, an unterminated CDATA section, a cut
// tag) the document ends after the last complete token with every open
// element closed.
func scanXML(ctx context.Context, body []byte) (*scanned, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false // gofeed's decoder is not strict either
	res := &scanned{}
	var stack []string // raw names, prefix:local
	var edits []edit
	good := int64(0) // offset after the last complete token
	var syntaxErr error
	inTitle := -1 // stack depth of the item whose title type is pending
	titleAt := -1 // stack depth of the item title being read
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("parse stopped after %d bytes: %w", d.InputOffset(), err)
			}
		}
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			syntaxErr = err
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			isItem := t.Name.Space == "" && (t.Name.Local == "item" || t.Name.Local == "entry")
			if isItem {
				// An item inside an element left open (an unclosed
				// extension element of the channel) belongs to the
				// channel: close what is open above the container.
				if k := containerIndex(stack); k >= 0 && k < len(stack)-1 {
					edits = append(edits, edit{at: start, insert: closeTags(stack[k+1:])})
					res.problems = append(res.problems, fmt.Sprintf("closed <%s> left open before an item", truncate(stack[len(stack)-1], 60)))
					stack = stack[:k+1]
				}
			}
			stack = append(stack, rawName(t.Name))
			res.read = d.InputOffset()
			if len(stack) > MaxDepth {
				return res, fmt.Errorf("%w (at byte %d)", ErrTooDeep, d.InputOffset())
			}
			switch {
			case isItem:
				res.items++
				res.titleTypes = append(res.titleTypes, "")
				inTitle = len(stack)
			case t.Name.Local == "title" && t.Name.Space == "" && len(stack) == inTitle+1:
				res.titleTypes[len(res.titleTypes)-1] = strings.ToLower(strings.TrimSpace(attr(t, "type")))
				inTitle = -1 // the first title counts
				titleAt = len(stack)
			case titleAt > 0 && len(stack) > titleAt:
				// Elements inside a title without a type (Atom 0.3's
				// inline XML) are markup.
				if last := &res.titleTypes[len(res.titleTypes)-1]; *last == "" {
					*last = "xhtml"
				}
			}
		case xml.EndElement:
			name := rawName(t.Name)
			switch i := lastIndex(stack, name); {
			case i >= 0 && i == len(stack)-1:
				stack = stack[:i]
			case i >= 0:
				edits = append(edits, edit{at: start, insert: closeTags(stack[i+1:])})
				res.problems = append(res.problems, fmt.Sprintf("closed <%s> left open", truncate(stack[len(stack)-1], 60)))
				stack = stack[:i]
			default:
				edits = append(edits, edit{at: start, del: d.InputOffset() - start})
				res.problems = append(res.problems, fmt.Sprintf("dropped a stray </%s>", truncate(name, 60)))
			}
			if len(stack) < inTitle {
				inTitle = -1
			}
			if len(stack) < titleAt {
				titleAt = -1
			}
		}
		good = d.InputOffset()
		if len(edits) > maxEdits {
			res.problems = res.problems[:3]
			res.problems = append(res.problems, fmt.Sprintf("more than %d repairs needed: not repaired", maxEdits))
			res.read = good
			return res, nil
		}
	}
	res.read = max(res.read, good)
	if syntaxErr != nil || len(stack) > 0 {
		if syntaxErr != nil {
			res.problems = append(res.problems, fmt.Sprintf("document ends early (%s)", truncate(syntaxErr.Error(), 120)))
		} else {
			res.problems = append(res.problems, fmt.Sprintf("added the missing </%s>", truncate(stack[0], 60)))
		}
		edits = append(edits, edit{at: good, del: int64(len(body)) - good, insert: closeTags(stack)})
	}
	if len(edits) > 0 {
		res.repaired = applyEdits(body, edits)
	}
	return res, nil
}

// containerIndex is the index in stack of the innermost element that holds
// items (channel, rdf:RDF, feed), or -1.
func containerIndex(stack []string) int {
	for i := len(stack) - 1; i >= 0; i-- {
		local := stack[i][strings.IndexByte(stack[i], ':')+1:]
		if local == "channel" || local == "RDF" || local == "feed" {
			return i
		}
	}
	return -1
}

func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func lastIndex(stack []string, name string) int {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == name {
			return i
		}
	}
	return -1
}

// closeTags returns end tags for the open elements, innermost first.
func closeTags(open []string) string {
	var b strings.Builder
	for _, n := range slices.Backward(open) {
		b.WriteString("</")
		b.WriteString(n)
		b.WriteString(">")
	}
	return b.String()
}

// applyEdits applies edits, which are in increasing offset order and do
// not overlap.
func applyEdits(body []byte, edits []edit) []byte {
	out := make([]byte, 0, len(body)+64)
	pos := int64(0)
	for _, e := range edits {
		if e.at < pos {
			continue
		}
		out = append(out, body[pos:e.at]...)
		out = append(out, e.insert...)
		pos = e.at + e.del
	}
	return append(out, body[min(pos, int64(len(body))):]...)
}
