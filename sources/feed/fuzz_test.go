package feed

import (
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
