package codec

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

func TestMetaHashSeesEveryField(t *testing.T) {
	base := sources.Item{
		ID: "x", Link: "l", Title: "t", Summary: "s", Content: "c", Image: "i",
		Authors:    []sources.Author{{Name: "n", Email: "e", URL: "u"}},
		Categories: []string{"a", "b"},
		Enclosures: []sources.Enclosure{{URL: "u", Type: "t", Length: 1}},
		Published:  time.Unix(100, 0).UTC(),
		Updated:    time.Unix(200, 0).UTC(),
	}
	h := MetaHash(&base)
	same := base
	same.Content, same.FirstSeen, same.Changed = "other", time.Now(), time.Now()
	same.Published = base.Published.In(time.FixedZone("X", 3600))
	if !bytes.Equal(MetaHash(&same), h) {
		t.Error("content, first seen, changed or time zone changed the meta hash")
	}
	changes := map[string]func(*sources.Item){
		"link":          func(it *sources.Item) { it.Link = "L" },
		"title":         func(it *sources.Item) { it.Title = "T" },
		"summary":       func(it *sources.Item) { it.Summary = "S" },
		"image":         func(it *sources.Item) { it.Image = "I" },
		"author email":  func(it *sources.Item) { it.Authors = []sources.Author{{Name: "n", URL: "u"}} },
		"categories":    func(it *sources.Item) { it.Categories = []string{"ab"} },
		"enclosure len": func(it *sources.Item) { it.Enclosures = []sources.Enclosure{{URL: "u", Type: "t", Length: 2}} },
		"published":     func(it *sources.Item) { it.Published = it.Published.Add(time.Nanosecond) },
		"no updated":    func(it *sources.Item) { it.Updated = time.Time{} },
		"title/summary": func(it *sources.Item) { it.Title, it.Summary = "ts", "" },
	}
	for name, change := range changes {
		it := base
		change(&it)
		if bytes.Equal(MetaHash(&it), h) {
			t.Errorf("%s: meta hash unchanged", name)
		}
	}
}

func TestLists(t *testing.T) {
	for _, v := range [][]string{nil, {}, {"a", "b\x00"}} {
		s, err := EncodeList(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeList[string](s)
		if err != nil {
			t.Fatal(err)
		}
		want := v
		if len(v) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %q = %q", v, got)
		}
	}
	if _, err := DecodeList[string]("{"); err == nil {
		t.Error("DecodeList of bad JSON: want an error")
	}
}

func TestItemLists(t *testing.T) {
	in := sources.Item{
		Authors:    []sources.Author{{Name: "n", Email: "e", URL: "u"}},
		Categories: []string{"a"},
		Enclosures: []sources.Enclosure{{URL: "u", Type: "t", Length: 1}},
	}
	a, c, e, err := EncodeLists(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out sources.Item
	if err := DecodeLists(&out, a, c, e); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	bad := sources.Item{Source: "src", ID: "id1"}
	if err := DecodeLists(&bad, "", "{", ""); err == nil || !strings.Contains(err.Error(), "src/id1") {
		t.Errorf("DecodeLists of bad JSON = %v, want an error naming src/id1", err)
	}
}

func TestDedupe(t *testing.T) {
	items := []sources.Item{{ID: "a", Title: "1"}, {ID: "b"}, {ID: "a", Title: "2"}, {ID: "c"}}
	var got []string
	for _, it := range Dedupe(items) {
		got = append(got, it.ID+it.Title)
	}
	if want := []string{"a2", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Dedupe = %v, want %v", got, want)
	}
}

func TestSplitKey(t *testing.T) {
	for _, tc := range []struct{ key, src, id string }{
		{"a\x00b", "a", "b"},
		{"a\x00b\x00c", "a", "b\x00c"},
		{"a", "a", ""},
		{"", "", ""},
	} {
		if src, id := SplitKey(tc.key); src != tc.src || id != tc.id {
			t.Errorf("SplitKey(%q) = %q, %q", tc.key, src, id)
		}
	}
}
