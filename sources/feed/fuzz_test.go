package feed

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, name := range fixtures(f) {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body, contentType(name))
	}
	f.Add([]byte(`<?xml version="1.0" encoding="bogus"?><rss><channel><item><title>x</title></item></channel></rss>`), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":1}]}`), "application/json; charset=utf-16")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","tags":"a,b"},{"id":2,"attachments":{}}]}`), "")
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><item><title>Caf\xc3\xa9</title></item>`), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := Parse(body, contentType, testFeedURL)
		if err != nil {
			return
		}
		seen := make(map[string]bool, len(p.Items))
		for _, it := range p.Items {
			if it.ID == "" {
				t.Fatal("item without ID")
			}
			if seen[it.ID] {
				t.Fatalf("duplicate ID %q", it.ID)
			}
			seen[it.ID] = true
			if !utf8.ValidString(it.Title) {
				t.Fatalf("title not UTF-8: %q", it.Title)
			}
		}
	})
}

// FuzzScanXML checks the pre-pass on arbitrary bytes: no panic, and a
// repair, once made, is stable (scanning the repaired document again
// finds it well-formed or repairs no more than the first pass did).
func FuzzScanXML(f *testing.F) {
	for _, name := range fixtures(f) {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`<rss><channel><media:x><item><title>a</title></item></channel></rss>`))
	f.Add([]byte(`<rss><channel><item><title>a</title><description><![CDATA[cut`))
	f.Add([]byte(`<feed><entry><title type="html">x</title></entry></ite`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sc, err := scanXML(context.Background(), body)
		if err != nil {
			if !errors.Is(err, ErrTooDeep) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if sc.items != len(sc.titleTypes) {
			t.Fatalf("%d items but %d title types", sc.items, len(sc.titleTypes))
		}
		if sc.repaired == nil {
			return
		}
		again, err := scanXML(context.Background(), sc.repaired)
		if err != nil {
			t.Fatalf("rescan of the repair: %v", err)
		}
		if len(again.problems) > len(sc.problems) {
			t.Fatalf("repair made things worse: %q then %q", sc.problems, again.problems)
		}
	})
}
