package imap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMessage: any bytes from a mailbox yield an item or an error,
// never a panic, and the item's text fields are valid UTF-8 with a
// one-line title.
func FuzzParseMessage(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(oldMessage))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\n"))
	f.Add([]byte("Subject: =?x-unknown?q?abc?=\r\nContent-Type: text/html; charset=x-unknown\r\n\r\n<img width=1 height=1 src=a>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		it, err := ParseMessage(Message{Raw: raw}, testNow)
		if err != nil {
			return
		}
		for name, s := range map[string]string{"title": it.Title, "id": it.ID, "content": it.Content, "link": it.Link} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not UTF-8: %q", name, s)
			}
		}
		if it.ID == "" || it.Title == "" || strings.ContainsAny(it.Title, "\r\n") {
			t.Errorf("id %q, title %q", it.ID, it.Title)
		}
		if it.Published.After(testNow) {
			t.Errorf("date in the future: %v", it.Published)
		}
	})
}
