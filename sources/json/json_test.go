package json

import (
	stdjson "encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the testdata/*-result golden files")

var (
	testNow = time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
	testLoc = time.FixedZone("CET", 3600)
)

// citySelect reads testdata/city-api.json, the shape of SPEC section 6.
var citySelect = config.Select{
	Items:      "$.data.posts[*]",
	Title:      "$.title",
	Link:       "$.url",
	ID:         "$.id",
	Date:       "$.published_at",
	Summary:    "$.excerpt",
	Content:    "$.body_html",
	Author:     "$.author.name",
	Image:      "$.cover.src",
	Categories: "$.tags[*]",
}

func compile(t testing.TB, sel config.Select) *config.Selectors {
	t.Helper()
	s, err := config.CompileJSONSelect(sel)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nextPath(t testing.TB, expr string) *config.Selector {
	t.Helper()
	s, err := config.CompileJSONSelect(config.Select{Items: expr, Title: "$.x"})
	if err != nil {
		t.Fatal(err)
	}
	return s.Item
}

// TestParseGolden: nested items, ISO, epoch-second and epoch-millisecond
// dates, a lenient date, relative and protocol-relative URLs, a 64-bit id,
// HTML fragments made absolute, null and missing fields.
func TestParseGolden(t *testing.T) {
	body, err := os.ReadFile("testdata/city-api.json")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Parse(body, "https://city.example.org/api/posts?page=1", compile(t, citySelect), nextPath(t, "$.links.next"), testLoc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	got, err := stdjson.MarshalIndent(pg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "city-api.json-result"), append(got, '\n'), *update)
	// The figures the golden file holds, spelled out.
	if len(pg.Items) != 4 || pg.Next != "https://city.example.org/api/posts?page=2" {
		t.Fatalf("%d items, next %q", len(pg.Items), pg.Next)
	}
	first := pg.Items[0]
	if first.ID != "9007199254740993" || first.Title != "Council approves the new tram line" ||
		first.Link != "https://city.example.org/news/2026/tram-line" || first.Image != "https://cdn.example.org/tram.jpg" ||
		!first.Published.Equal(time.Date(2026, 11, 18, 8, 30, 0, 0, time.UTC)) ||
		!strings.Contains(first.Content, `href="https://city.example.org/docs/plan.pdf"`) ||
		!strings.Contains(first.Content, `src="https://city.example.org/api/img/tram.jpg"`) {
		t.Errorf("first item = %+v", first)
	}
	if d := pg.Items[1].Published; !d.Equal(time.Unix(1763380800, 0)) {
		t.Errorf("epoch seconds read as %v", d)
	}
	if d := pg.Items[2].Published; !d.Equal(time.UnixMilli(1763294400000)) || pg.Items[2].Link != "https://city.example.org/api/news/marathon" {
		t.Errorf("epoch ms read as %v, link %q", d, pg.Items[2].Link)
	}
	if d := pg.Items[3].Published; !d.Equal(time.Date(2026, 11, 18, 6, 15, 0, 0, time.UTC)) {
		t.Errorf("a date without a zone is read in the source's zone: %v", d)
	}
}

func TestParseErrors(t *testing.T) {
	body := []byte(`{"data": {"posts": [{"title": "a", "url": "/a"}, {"title": "b", "url": "/b"}]}}`)
	tests := []struct {
		name string
		body []byte
		sel  config.Select
		want string
	}{
		{"items match nothing", body, config.Select{Items: "$.data.articles[*]", Title: "$.title"},
			`select.items "$.data.articles[*]" matched nothing on https://x.example/api`},
		{"field matches nothing", body, config.Select{Items: "$.data.posts[*]", Title: "$.title", Date: "$.published"},
			`select.date "$.published" matched nothing in any of the 2 items on https://x.example/api`},
		{"not JSON", []byte(`<html>`), config.Select{Items: "$[*]", Title: "$.title"}, "invalid JSON"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.body, "https://x.example/api", compile(t, tt.sel), nil, nil, testNow)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"1763380800":                    time.Unix(1763380800, 0).UTC(),
		"1763380800.5":                  time.Unix(1763380800, 5e8).UTC(),
		"1763380800123":                 time.UnixMilli(1763380800123).UTC(),
		"2026-11-18T09:30:00Z":          time.Date(2026, 11, 18, 9, 30, 0, 0, time.UTC),
		"Wed, 18 Nov 2026 09:30:00 GMT": time.Date(2026, 11, 18, 9, 30, 0, 0, time.UTC),
	} {
		got, err := parseDate(in, time.UTC, testNow)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseDate("42", time.UTC, testNow); err == nil {
		t.Error("42 read as a date")
	}
}

// FuzzParse runs hostile JSON through the JSONPath selection and item
// building: no panic, and every item has an identity and absolute links.
func FuzzParse(f *testing.F) {
	body, err := os.ReadFile("testdata/city-api.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"data":{"posts":[{"title":null,"url":{"a":1},"id":[1,2],"published_at":-1e400}]}}`))
	f.Add([]byte(`{"data":{"posts":[[[[[]]]],"x",1,true,null]}}`))
	sel := compile(f, citySelect)
	next := nextPath(f, "$.links.next")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := Parse(body, "https://x.example/api/", sel, next, testLoc, testNow)
		if err != nil {
			return
		}
		for _, it := range pg.Items {
			if it.ID == "" || it.Title == "" && it.Link == "" {
				t.Fatalf("item without identity: %+v", it)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http") {
				t.Fatalf("link not absolute: %q", it.Link)
			}
		}
		if pg.Next != "" && !strings.HasPrefix(pg.Next, "http") {
			t.Fatalf("next not absolute: %q", pg.Next)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	body, err := os.ReadFile("testdata/city-api.json")
	if err != nil {
		b.Fatal(err)
	}
	sel := compile(b, citySelect)
	next := nextPath(b, "$.links.next")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body, "https://city.example.org/api/posts?page=1", sel, next, testLoc, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
