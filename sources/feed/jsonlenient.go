package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
)

// maxJSONWarnings bounds the warnings one JSON Feed can produce.
const maxJSONWarnings = 5

// parseJSON parses a JSON Feed. When gofeed rejects the document because a
// field has the wrong type ("tags": "a,b" instead of a list), the fields
// that do not decode are dropped, item by item, and the rest is read: one
// mistyped field costs that field, not the 84 items of the feed.
func parseJSON(ctx context.Context, body []byte) (*gofeed.Feed, []string, error) {
	f, err := parseGofeed(ctx, body)
	if err == nil || ctx.Err() != nil {
		return f, nil, err
	}
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return nil, nil, err // not JSON at all: gofeed's error says why
	}
	var dropped []string
	drop := func(where, field string) {
		dropped = append(dropped, where+fmt.Sprintf("%q", truncate(field, 40)))
	}
	var items []json.RawMessage
	if raw, ok := doc["items"]; ok {
		if json.Unmarshal(raw, &items) != nil {
			drop("", "items")
			items = nil
		}
		delete(doc, "items")
	}
	for _, k := range badFields(doc, func(v map[string]json.RawMessage) error {
		var f jsonfeed.Feed
		return unmarshalMap(v, &f)
	}) {
		delete(doc, k)
		drop("", k)
	}
	kept := make([]json.RawMessage, 0, len(items))
	for i, raw := range items {
		var it map[string]json.RawMessage
		if json.Unmarshal(raw, &it) != nil {
			drop(fmt.Sprintf("item %d: ", i+1), "(not an object)")
			continue
		}
		for _, k := range badFields(it, func(v map[string]json.RawMessage) error {
			var x jsonfeed.Item
			return unmarshalMap(v, &x)
		}) {
			delete(it, k)
			drop(fmt.Sprintf("item %d: ", i+1), k)
		}
		b, _ := json.Marshal(it)
		kept = append(kept, b)
	}
	doc["items"], _ = json.Marshal(kept)
	fixed, _ := json.Marshal(doc)
	f, err2 := parseGofeed(ctx, fixed)
	if err2 != nil {
		return nil, nil, err
	}
	msg := "JSON fields of the wrong type ignored: " + strings.Join(dropped[:min(len(dropped), maxJSONWarnings)], ", ")
	if len(dropped) > maxJSONWarnings {
		msg += fmt.Sprintf(" and %d more", len(dropped)-maxJSONWarnings)
	}
	return f, []string{msg}, nil
}

// badFields returns the keys of obj whose values alone fail decode, in
// sorted order; none when obj decodes as a whole.
func badFields(obj map[string]json.RawMessage, decode func(map[string]json.RawMessage) error) []string {
	if decode(obj) == nil {
		return nil
	}
	var bad []string
	for k, v := range obj {
		if decode(map[string]json.RawMessage{k: v}) != nil {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	return bad
}

func unmarshalMap(v map[string]json.RawMessage, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	return d.Decode(into)
}
