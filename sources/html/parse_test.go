package html

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	goldenfile "github.com/tributaryfeeds/tributary/internal/golden"
	"github.com/tributaryfeeds/tributary/sources"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	testNow = time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
	testLoc = time.FixedZone("CET", 3600)
)

// listingSelect reads testdata/listing.html.
var listingSelect = config.Select{
	Item:    "ul.news li",
	Title:   "a",
	Link:    "a@href",
	Date:    ".date",
	Summary: "p",
	Author:  ".byline",
	Image:   "img",
}

var goldenCases = []struct {
	file string
	url  string
	sel  config.Select
}{
	{"listing.html", "https://embassy.example.org/news/index.html", listingSelect},
	{"attrs.html", "https://blog.example.org/", config.Select{
		Item:  "a.card",
		Title: "@title",
		Link:  "@href",
		Date:  "@data-date",
		Image: "img@data-src",
	}},
}

type golden struct {
	Items    []sources.Item
	Warnings []string
}

func TestParseGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.file, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			items, warns, err := Parse(page, tc.url, mustCompile(t, tc.sel), testLoc, testNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(golden{items, warns}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenfile.Check(t, filepath.Join("testdata", strings.TrimSuffix(tc.file, ".html")+".golden.json"), got, *update)
		})
	}
}

// TestParseListing spells out the behaviour the golden file records, so a
// careless -update cannot bless a regression.
func TestParseListing(t *testing.T) {
	page, err := os.ReadFile("testdata/listing.html")
	if err != nil {
		t.Fatal(err)
	}
	items, warns, err := Parse(page, "https://embassy.example.org/news/index.html", mustCompile(t, listingSelect), testLoc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]sources.Item{}
	for _, it := range items {
		byTitle[it.Title] = it
	}
	if len(items) != 7 {
		t.Errorf("got %d items, want 7 (one without title and link skipped, one duplicate dropped)", len(items))
	}
	tests := []struct {
		title, link, id string
		published       time.Time
	}{
		{"Summit opens in Geneva", "https://embassy.example.org/en/news/2026/summit-opens.html", "", time.Date(2026, 11, 17, 23, 0, 0, 0, time.UTC)},
		{"Trade talks & tariffs", "https://other.example.org/story?id=7", "", time.Date(2026, 11, 17, 8, 15, 0, 0, time.UTC)},
		{"New visa rules", "https://embassy.example.org/archive/visa-rules", "", time.Date(2026, 11, 16, 7, 0, 0, 0, time.UTC)},
		{"Ambassador visits school", "https://embassy.example.org/en/news/ambassador.html", "", testNow.Add(-3 * time.Hour)},
		{"An undated notice", "https://embassy.example.org/en/news/undated.html", "", time.Time{}},
		{"Press conference announced", "", titleID("Press conference announced"), time.Date(2026, 11, 14, 23, 0, 0, 0, time.UTC)},
		{"Holiday closure", "https://embassy.example.org/en/news/bad-date.html", "", time.Time{}},
	}
	for _, tt := range tests {
		it, ok := byTitle[tt.title]
		if !ok {
			t.Errorf("no item %q", tt.title)
			continue
		}
		wantID := tt.id
		if wantID == "" {
			wantID = tt.link
		}
		if it.Link != tt.link || it.ID != wantID {
			t.Errorf("%q: link %q id %q, want %q %q", tt.title, it.Link, it.ID, tt.link, wantID)
		}
		if !it.Published.Equal(tt.published) {
			t.Errorf("%q: published %v, want %v", tt.title, it.Published, tt.published)
		}
	}
	summit := byTitle["Summit opens in Geneva"]
	if want := `Delegates from <b>forty</b> countries <a href="https://embassy.example.org/press/list.pdf">arrived</a>.`; summit.Summary != want {
		t.Errorf("summary %q, want %q", summit.Summary, want)
	}
	if summit.Image != "https://embassy.example.org/en/img/summit.jpg" {
		t.Errorf("image %q", summit.Image)
	}
	if len(summit.Authors) != 1 || summit.Authors[0].Name != "Anna Berg" {
		t.Errorf("authors %+v", summit.Authors)
	}
	joined := strings.Join(warns, "\n")
	for _, want := range []string{"no title and no link", `"sometime soon"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings %q lack %q", warns, want)
		}
	}
	if len(warns) != 2 {
		t.Errorf("got %d warnings, want 2: %q", len(warns), warns)
	}
}

// TestParseTidiesItems covers what listing pages get wrong: a "By" in the
// byline, a date years ahead, an item without a title, and a relative date
// that must not move between two fetches a minute apart.
func TestParseTidiesItems(t *testing.T) {
	page := []byte(`<ul class="news">
		<li><a href="/a">Summit</a><span class="byline">By Anna Berg |</span><span class="date">Jan 1, 2100</span></li>
		<li><a href="/b"></a><p>The harbour authority said on Tuesday that the new wind farm would supply forty thousand homes.</p>
			<span class="byline">by Li Wei and Ola Nordmann, Geneva</span><span class="date">yesterday</span></li>
		<li><a href="/c">Skewed</a><span class="date">2026-11-18 12:45</span></li>
	</ul>`)
	sel := config.Select{Item: "li", Title: "a", Link: "a@href", Date: ".date", Summary: "p", Author: ".byline"}
	var first []sources.Item
	for _, now := range []time.Time{testNow.Add(-29 * time.Second), testNow.Add(31 * time.Second)} {
		items, _, err := Parse(page, "https://e.org/news/", mustCompile(t, sel), time.UTC, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 {
			t.Fatalf("got %d items, want 3", len(items))
		}
		if first == nil {
			first = items
		}
		for i := range items {
			if !items[i].Published.Equal(first[i].Published) {
				t.Errorf("%q: published %v, then %v", items[i].Title, first[i].Published, items[i].Published)
			}
		}
	}
	tests := []struct {
		title     string
		authors   []sources.Author
		published time.Time
	}{
		{"Summit", []sources.Author{{Name: "Anna Berg"}}, time.Time{}},
		{"The harbour authority said on Tuesday that the new wind farm would supply forty…",
			[]sources.Author{{Name: "Li Wei"}, {Name: "Ola Nordmann"}}, time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC)},
		{"Skewed", nil, time.Date(2026, 11, 18, 12, 45, 0, 0, time.UTC)},
	}
	for i, tt := range tests {
		it := first[i]
		if it.Title != tt.title || !reflect.DeepEqual(it.Authors, tt.authors) || !it.Published.Equal(tt.published) {
			t.Errorf("item %d = %q %+v %v, want %q %+v %v", i, it.Title, it.Authors, it.Published, tt.title, tt.authors, tt.published)
		}
	}
	if first[1].ID != "https://e.org/b" {
		t.Errorf("id %q", first[1].ID)
	}
}

func TestParseErrors(t *testing.T) {
	page := []byte(`<ul class="news"><li><span>One</span></li><li><span>Two</span></li></ul>`)
	tests := []struct {
		name string
		url  string
		sel  config.Select
		want string
	}{
		{"item matches nothing", "https://x.example/", config.Select{Item: "div.story", Title: "a", Link: "a@href"},
			`select.item "div.story" matched nothing on https://x.example/`},
		{"title matches nothing", "https://x.example/", config.Select{Item: "li", Title: "h2", Link: "span"},
			`select.title "h2" matched nothing in any of the 2 items on https://x.example/`},
		{"link matches nothing", "https://x.example/", config.Select{Item: "li", Title: "span", Link: "a@href"},
			`select.link "a@href" matched nothing in any of the 2 items`},
		{"link attribute missing everywhere", "https://x.example/", config.Select{Item: "li", Title: "span", Link: "span@href"},
			`select.link "span@href" matched nothing`},
		{"relative page URL", "/news", config.Select{Item: "li", Title: "span", Link: "span"}, "not an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, _, err := Parse(page, tt.url, mustCompile(t, tt.sel), nil, testNow)
			if err == nil {
				t.Fatalf("no error, %d items", len(items))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseWarningsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, `<li><a href="/%d">T%d</a><i>not a date</i></li>`, i, i)
	}
	_, warns, err := Parse([]byte(b.String()), "https://x.example/", mustCompile(t, config.Select{Item: "li", Title: "a", Link: "a@href", Date: "i"}), nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != sources.MaxParseWarnings+1 || warns[sources.MaxParseWarnings] != "10 more warnings not shown" {
		t.Errorf("got %d warnings, last %q", len(warns), warns[len(warns)-1])
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"listing.html", "attrs.html"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<base href="javascript:x"><ul class="news"><li><a href="::">x</a><span class="date">99/99/9999</span></li></ul>`))
	sel := mustCompile(f, listingSelect)
	f.Fuzz(func(t *testing.T, page []byte) {
		items, _, err := Parse(page, "https://x.example/a/", sel, testLoc, testNow)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.ID == "" || it.Title == "" && it.Link == "" {
				t.Fatalf("item without identity: %+v", it)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http") {
				t.Fatalf("link not absolute: %q", it.Link)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	page, err := os.ReadFile("testdata/listing.html")
	if err != nil {
		b.Fatal(err)
	}
	s := mustCompile(b, listingSelect)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(page, "https://embassy.example.org/news/", s, testLoc, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// mustCompile compiles sel as the configuration does.
func mustCompile(t testing.TB, sel config.Select) *config.Selectors {
	t.Helper()
	s, err := config.CompileSelect(sel)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
