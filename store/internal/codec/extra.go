package codec

import (
	"encoding/json"
	"fmt"

	"github.com/tributaryfeeds/tributary/sources"
)

// extra is the JSON of the items.extra column.
type extra struct {
	Media   *sources.Media  `json:"media,omitempty"`
	Origin  *sources.Origin `json:"origin,omitempty"`
	SimHash uint64          `json:"simhash,omitempty"`
}

// EncodeExtra encodes an item's media, origin and SimHash as one JSON
// object, or "" when it has none of them, so that items without them are
// stored (and hashed) exactly as before the column existed.
func EncodeExtra(it *sources.Item) (string, error) {
	x := extra{SimHash: it.SimHash}
	if !it.Media.IsZero() {
		x.Media = it.Media
	}
	if !it.Origin.IsZero() {
		o := *it.Origin
		o.Updated = o.Updated.UTC()
		x.Origin = &o
	}
	if x.Media == nil && x.Origin == nil && x.SimHash == 0 {
		return "", nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return "", fmt.Errorf("encode extra: %w", err)
	}
	return string(b), nil
}

// StoredExtra is EncodeExtra for an item about to be written: its SimHash
// is computed here, once per stored version (unchanged items are not
// written, so not hashed again), when the source gave none.
// Near-duplicate detection only compares stored hashes.
func StoredExtra(it *sources.Item) (string, error) {
	if it.SimHash != 0 {
		return EncodeExtra(it)
	}
	c := *it
	c.SimHash = sources.SimHash(&c)
	return EncodeExtra(&c)
}

// DecodeExtra sets an item's media, origin and SimHash from what
// EncodeExtra produced.
func DecodeExtra(it *sources.Item, s string) error {
	if s == "" {
		return nil
	}
	var x extra
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		return fmt.Errorf("item %s/%s: decode extra: %w", it.Source, it.ID, err)
	}
	it.Media, it.Origin, it.SimHash = x.Media, x.Origin, x.SimHash
	return nil
}
