package imap

import (
	"path/filepath"
	"testing"
)

// BenchmarkParseMessage parses each testdata newsletter once per
// iteration.
func BenchmarkParseMessage(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.eml")
	var raws [][]byte
	size := 0
	for _, f := range files {
		raw := readMessage(b, filepath.Base(f))
		raws = append(raws, raw)
		size += len(raw)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range raws {
			if _, err := ParseMessage(Message{Raw: raw}, testNow); err != nil {
				b.Fatal(err)
			}
		}
	}
}
