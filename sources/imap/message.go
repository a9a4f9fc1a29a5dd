package imap

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	// Registers the charsets newsletters are written in (ISO-8859-x,
	// windows-125x, ...) with go-message, for bodies and encoded words.
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"

	"github.com/tributaryfeeds/tributary/sources"
)

// Bounds on one message: the raw message is bounded by the fetch
// (fetch.max_body); these keep a hostile structure from costing more.
const (
	// maxParts is how many MIME parts of one message are looked at.
	maxParts = 200
	// maxPartBytes caps one decoded text part.
	maxPartBytes = 4 << 20
)

// Message is one mail message as the server gave it.
type Message struct {
	// Raw is the whole RFC 5322 message.
	Raw []byte
	// Received is the server's INTERNALDATE, the date of a message whose
	// Date header is missing or unreadable. May be zero.
	Received time.Time
}

// ParseMessage turns one newsletter message into an item: Message-ID is the
// id, the subject (RFC 2047 decoded) the title, the sender the author, Date
// the date, and the HTML part (else the text part as paragraphs) the
// content, with tracking pixels, inline images and the "view in browser" and
// unsubscribe footers removed where they can be found. The "view in
// browser" link, when present, becomes the item's link. now bounds dates in
// the future.
func ParseMessage(m Message, now time.Time) (sources.Item, error) {
	mr, err := mail.CreateReader(bytes.NewReader(m.Raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return sources.Item{}, fmt.Errorf("read message: %w", err)
	}
	var it sources.Item
	h := mr.Header
	it.Title = headerText(&h, "Subject")
	if it.Title == "" {
		it.Title = "(no subject)"
	}
	it.Authors = sender(&h)
	if d, err := h.Date(); err == nil && !d.IsZero() {
		it.Published = sources.CheckDate(d.UTC(), now)
	}
	if it.Published.IsZero() && !m.Received.IsZero() {
		it.Published = sources.CheckDate(m.Received.UTC(), now)
	}
	htmlBody, textBody, err := bodies(mr)
	if err != nil {
		return sources.Item{}, err
	}
	switch {
	case strings.TrimSpace(htmlBody) != "":
		it.Content, it.Link = cleanHTML(htmlBody)
	case strings.TrimSpace(textBody) != "":
		it.Content, it.Link = textToHTML(textBody)
	}
	it.ID = messageID(&h)
	if it.ID == "" {
		// No Message-ID (rare, but legal): a hash of what identifies the
		// message to a reader, so a re-read yields the same item.
		sum := sha256.Sum256([]byte(h.Get("From") + "\x00" + h.Get("Date") + "\x00" + it.Title + "\x00" + it.Content))
		it.ID = "sha256:" + hex.EncodeToString(sum[:16])
	}
	return it, nil
}

// headerText decodes an RFC 2047 header field; a word in an unknown charset
// is kept as it was written rather than losing the field.
func headerText(h *mail.Header, key string) string {
	s, err := h.Text(key)
	if err != nil {
		s = h.Get(key)
	}
	return cleanLine(s)
}

// cleanLine makes header text a plain one-line string of valid UTF-8.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.Fields(s), " ")
}

func messageID(h *mail.Header) string {
	id, err := h.MessageID()
	if err != nil || id == "" {
		// A malformed Message-ID is still an identifier: keep its text.
		id = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	return cleanLine(id)
}

// sender is the From address (else Sender), as the item's author.
func sender(h *mail.Header) []sources.Author {
	for _, key := range []string{"From", "Sender"} {
		addrs, err := h.AddressList(key)
		if err != nil || len(addrs) == 0 {
			continue
		}
		a := addrs[0]
		return []sources.Author{{Name: cleanLine(a.Name), Email: cleanLine(a.Address)}}
	}
	return nil
}

// fromAddress is the lower-cased sender address, for the from: filter.
func fromAddress(h *mail.Header) string {
	if a := sender(h); len(a) > 0 {
		return strings.ToLower(a[0].Email)
	}
	return ""
}

// bodies returns the first HTML and the first plain-text inline part.
// Attachments and inline images are skipped.
func bodies(mr *mail.Reader) (htmlBody, textBody string, err error) {
	for range maxParts {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			if htmlBody != "" || textBody != "" {
				// A broken trailing part (often an attachment) does not
				// lose the body already read.
				break
			}
			return "", "", fmt.Errorf("read message part: %w", err)
		}
		ih, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			continue
		}
		ct, _, _ := ih.ContentType()
		if ct == "" {
			ct = "text/plain" // RFC 2045's default
		}
		if (ct == "text/html" && htmlBody != "") || (ct == "text/plain" && textBody != "") ||
			(ct != "text/html" && ct != "text/plain") {
			continue
		}
		b, rerr := io.ReadAll(io.LimitReader(p.Body, maxPartBytes))
		if rerr != nil && len(b) == 0 {
			continue // an undecodable part: the other alternative may do
		}
		s := strings.ToValidUTF8(string(b), "\uFFFD")
		if ct == "text/html" {
			htmlBody = s
		} else {
			textBody = s
		}
	}
	return htmlBody, textBody, nil
}

var (
	// viewOnline matches the text of a "view in browser" link or line.
	viewOnline = regexp.MustCompile(`(?i)\b(?:view|read|open|see|display)\b[^.!?\n]{0,40}?\b(?:in|on)\s+(?:your|a|the)?\s*(?:web\s*)?browser\b|\bview\s+(?:it|this|the)?\s*(?:e-?mail|newsletter|message|issue)?\s*(?:online|on\s+the\s+web)\b|\bweb\s+version\b|\bview\s+as\s+(?:a\s+)?web\s*page\b|\bonline\s+version\b`)
	// unsubscribe matches the text or address of an unsubscribe or
	// preferences link.
	unsubscribe = regexp.MustCompile(`(?i)unsubscribe|\bopt[\s-]?out\b|\b(?:manage|update|change|edit)\s+(?:your\s+)?(?:e-?mail\s+|subscription\s+|newsletter\s+)?(?:preferences|subscriptions?|settings)\b|\be-?mail\s+preferences\b`)
	// bareURL finds links in a text body.
	bareURL = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+[^\s<>"'()\[\].,;:!?]`)
)

// textToHTML turns a plain-text body into paragraphs (blank lines separate
// them, line breaks are kept), with links made clickable. A line offering
// the web version gives the item link and is dropped, as is a line
// offering to unsubscribe.
func textToHTML(text string) (content, link string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var (
		b     strings.Builder
		lines []string
	)
	flush := func() {
		if len(lines) == 0 {
			return
		}
		b.WriteString("<p>")
		for i, l := range lines {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			b.WriteString(linkify(l))
		}
		b.WriteString("</p>\n")
		lines = lines[:0]
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if viewOnline.MatchString(line) {
			if u := bareURL.FindString(line); u != "" {
				if link == "" {
					link = u
				}
				continue
			}
		}
		if unsubscribe.MatchString(line) && len(line) < 300 {
			continue
		}
		if t := strings.TrimSpace(line); t == "--" {
			continue // the signature separator, alone once the footer is gone
		}
		lines = append(lines, line)
	}
	flush()
	return strings.TrimSpace(b.String()), link
}

// linkify escapes a line of text and turns its URLs into links.
func linkify(line string) string {
	var b strings.Builder
	last := 0
	for _, m := range bareURL.FindAllStringIndex(line, -1) {
		b.WriteString(html.EscapeString(line[last:m[0]]))
		u := html.EscapeString(line[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
	return b.String()
}
