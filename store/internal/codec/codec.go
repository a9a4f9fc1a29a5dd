// Package codec holds what the SQL stores share: the item hashes that let an
// unchanged item be skipped, the JSON encoding of list fields, the paging key,
// batch de-duplication and the migration runner.
package codec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// hashLen is how many bytes of SHA-256 a hash keeps: 128 bits is plenty to
// tell one version of an item from another.
const hashLen = 16

// MetaHash hashes every stored field of an item except Content and the
// store's own times, FirstSeen and Changed.
// Content is hashed apart (ContentHash) because an update with empty content
// keeps the stored content, and must then not count as a change.
func MetaHash(it *sources.Item) []byte {
	h := sha256.New()
	var buf [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	num := func(n int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	tm := func(t time.Time) {
		if t.IsZero() {
			num(0)
			return
		}
		num(1)
		num(t.Unix())
		num(int64(t.Nanosecond()))
	}
	str(it.Link)
	str(it.Title)
	str(it.Summary)
	str(it.Image)
	tm(it.Published)
	tm(it.Updated)
	num(int64(len(it.Authors)))
	for _, a := range it.Authors {
		str(a.Name)
		str(a.Email)
		str(a.URL)
	}
	num(int64(len(it.Categories)))
	for _, c := range it.Categories {
		str(c)
	}
	num(int64(len(it.Enclosures)))
	for _, e := range it.Enclosures {
		str(e.URL)
		str(e.Type)
		num(e.Length)
	}
	// Only when present, so items without extra keep the hash they had
	// before the field existed and are not all rewritten once. The
	// upstream's updated date moves with every post to it: it is stored
	// with a change of the item, but is no change itself, or each fetch
	// would rewrite every item of the source.
	hx := *it
	hx.SimHash = 0 // derived from the text, which is hashed already
	if hx.Origin != nil {
		o := *hx.Origin
		o.Updated = time.Time{}
		hx.Origin = &o
	}
	if x, err := EncodeExtra(&hx); err == nil && x != "" {
		str(x)
	}
	return h.Sum(nil)[:hashLen]
}

// ContentHash hashes an item's content.
func ContentHash(content string) []byte {
	sum := sha256.Sum256([]byte(content))
	return sum[:hashLen]
}

// EncodeList encodes a list field as JSON, or as "" when it is empty so that
// empty and nil lists are stored alike.
func EncodeList[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode list: %w", err)
	}
	return string(b), nil
}

// DecodeList decodes what EncodeList produced; "" and "null" decode to nil.
func DecodeList[T any](s string) ([]T, error) {
	if s == "" || s == "null" {
		return nil, nil
	}
	var v []T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode list: %w", err)
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// EncodeLists encodes an item's list fields with EncodeList.
func EncodeLists(it *sources.Item) (authors, categories, enclosures string, err error) {
	var errA, errC, errE error
	authors, errA = EncodeList(it.Authors)
	categories, errC = EncodeList(it.Categories)
	enclosures, errE = EncodeList(it.Enclosures)
	if err := errors.Join(errA, errC, errE); err != nil {
		return "", "", "", err
	}
	return authors, categories, enclosures, nil
}

// DecodeLists sets an item's list fields from what EncodeLists produced.
func DecodeLists(it *sources.Item, authors, categories, enclosures string) error {
	var errA, errC, errE error
	it.Authors, errA = DecodeList[sources.Author](authors)
	it.Categories, errC = DecodeList[string](categories)
	it.Enclosures, errE = DecodeList[sources.Enclosure](enclosures)
	if err := errors.Join(errA, errC, errE); err != nil {
		return fmt.Errorf("item %s/%s: %w", it.Source, it.ID, err)
	}
	return nil
}

// SplitKey splits a store.Query BeforeKey into source and item ID. A key
// without the separator is taken as a bare source.
func SplitKey(key string) (source, id string) {
	source, id, _ = strings.Cut(key, "\x00")
	return source, id
}

// Batch checks an Upsert's arguments and returns its items with one entry
// per ID (see Dedupe): both stores accept and reject the same batches.
func Batch(source string, items []sources.Item) ([]sources.Item, error) {
	if source == "" {
		return nil, errors.New("upsert: empty source name")
	}
	for i := range items {
		if items[i].ID == "" {
			return nil, fmt.Errorf("upsert %s: item %d (%q) has no ID", source, i, items[i].Title)
		}
	}
	return Dedupe(items), nil
}

// Dedupe returns items with one entry per ID, the last one given, at the
// position of its first occurrence. Stores write a batch in one statement or
// count it item by item; both need each key once.
func Dedupe(items []sources.Item) []sources.Item {
	last := make(map[string]int, len(items))
	for i := range items {
		last[items[i].ID] = i
	}
	if len(last) == len(items) {
		return items
	}
	out := make([]sources.Item, 0, len(last))
	seen := make(map[string]bool, len(last))
	for i := range items {
		id := items[i].ID
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, items[last[id]])
	}
	return out
}

// Unique returns names without duplicates or empty strings, in order.
func Unique(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}
