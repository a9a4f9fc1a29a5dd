package imap

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/internal/golden"
	"github.com/tributaryfeeds/tributary/sources"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is after every testdata message, so no date is clamped.
var testNow = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// goldenItem is what a golden file records of an item.
type goldenItem struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Link      string           `json:"link"`
	Authors   []sources.Author `json:"authors"`
	Published time.Time        `json:"published"`
	Content   string           `json:"content"`
}

func readMessage(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseMessageGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) < 5 {
		t.Fatalf("testdata messages: %v %v", files, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			it, err := ParseMessage(Message{Raw: readMessage(t, name)}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // readable goldens
			enc.SetIndent("", "  ")
			if err := enc.Encode(goldenItem{it.ID, it.Title, it.Link, it.Authors, it.Published, it.Content}); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden.Check(t, f+".golden.json", got, *update)
		})
	}
}

// TestParseMessageCleans checks the promises the golden files must keep,
// named, so a careless -update cannot bless a regression.
func TestParseMessageCleans(t *testing.T) {
	cases := []struct {
		file     string
		title    string
		link     string
		contains []string
		absent   []string
	}{
		{
			file:     "alternative-qp.eml",
			title:    "Harbour Weekly — Issue 42: first power from the wind farm",
			link:     "https://news.example.org/issues/42?utm_source=email",
			contains: []string{"<h1>Harbour Weekly — Issue 42</h1>", "council’s 2024 plan", `href="https://news.example.org/ferries"`},
			absent:   []string{"t.example-esp.com", "Unsubscribe", "preferences", "Trouble reading", "<style", "<title"},
		},
		{
			file:     "html-only-base64.eml",
			title:    "Morning Briefing: trams, books and a postponed festival",
			link:     "https://letters.example.net/web/2026-11-12",
			contains: []string{"tram line extension opens", `src="https://letters.example.net/img/tram.jpg"`},
			absent:   []string{"pixel.example.net", "unsubscribe", "View as web page"},
		},
		{
			file:     "latin1-qp.eml",
			title:    "Fête du fleuve reportée au printemps",
			contains: []string{"Chère lectrice", "À bientôt"},
			absent:   []string{"unsubscribe", "désabonner"},
		},
		{
			file:     "related-inline-images.eml",
			title:    "Club news, November",
			contains: []string{"boathouse roof is repaired", `src="https://club.example.com/photos/eights.jpg"`},
			absent:   []string{"cid:", "Opt out"},
		},
		{
			file:     "plain-only.eml",
			title:    "Council week 47 <budget & cycle lanes>",
			link:     "https://civic.example.org/letters/47",
			contains: []string{"<p>Hello readers,</p>", `<a href="https://council.example.org/agenda/2026-47">`, "- the budget vote moved to Thursday<br>"},
			absent:   []string{"unsubscribe", "View this newsletter"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			it, err := ParseMessage(Message{Raw: readMessage(t, tc.file)}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if it.Title != tc.title {
				t.Errorf("title = %q, want %q", it.Title, tc.title)
			}
			if it.Link != tc.link {
				t.Errorf("link = %q, want %q", it.Link, tc.link)
			}
			for _, s := range tc.contains {
				if !strings.Contains(it.Content, s) {
					t.Errorf("content lacks %q:\n%s", s, it.Content)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(it.Content, s) {
					t.Errorf("content still has %q:\n%s", s, it.Content)
				}
			}
			if it.ID == "" || strings.ContainsAny(it.ID, "<>") {
				t.Errorf("id = %q", it.ID)
			}
			if it.Published.IsZero() || it.Published.Location() != time.UTC {
				t.Errorf("published = %v", it.Published)
			}
		})
	}
}

func TestParseMessageFallbacks(t *testing.T) {
	received := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	raw := "From: someone@example.org\r\nSubject:\r\nDate: not a date\r\n\r\nJust a line.\r\n"
	it, err := ParseMessage(Message{Raw: []byte(raw), Received: received}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if it.Title != "(no subject)" {
		t.Errorf("title = %q", it.Title)
	}
	if !it.Published.Equal(received) {
		t.Errorf("published = %v, want the received time %v", it.Published, received)
	}
	if !strings.HasPrefix(it.ID, "sha256:") {
		t.Errorf("id = %q, want a hash", it.ID)
	}
	again, _ := ParseMessage(Message{Raw: []byte(raw), Received: received.Add(time.Hour)}, testNow)
	if again.ID != it.ID {
		t.Errorf("hash id not stable: %q then %q", it.ID, again.ID)
	}
	if it.Content != "<p>Just a line.</p>" {
		t.Errorf("content = %q", it.Content)
	}
	future := "Message-ID: <f@x>\r\nDate: Mon, 01 Jan 2035 00:00:00 +0000\r\n\r\nx\r\n"
	it, err = ParseMessage(Message{Raw: []byte(future)}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if it.Published.After(testNow) {
		t.Errorf("future date kept: %v", it.Published)
	}
}

func TestIsPixel(t *testing.T) {
	cases := map[string]bool{
		`<img src="x" width="1" height="1">`:               true,
		`<img src="x" width="0" height="0">`:               true,
		`<img src="x" style="width:1px; height:1px">`:      true,
		`<img src="x" style="display: none">`:              true,
		`<img src="x" width="1px" height="1px">`:           true,
		`<img src="x" width="600" height="1">`:             false,
		`<img src="x">`:                                    false,
		`<img src="x" width="1">`:                          false,
		`<img src="x" width="100%" height="1">`:            false,
		`<img src="x" style="max-width:1px;height:300px">`: false,
	}
	for in, want := range cases {
		content, _ := cleanHTML("<p>text</p>" + in)
		if got := !strings.Contains(content, "<img"); got != want {
			t.Errorf("%s removed = %v, want %v (%q)", in, got, want, content)
		}
	}
}

func TestShortNewsletterKept(t *testing.T) {
	// A letter that is one short block with an unsubscribe link loses the
	// link's line only, never its text.
	body := `<div><p>Short note: the meeting moved to Friday.</p><p><a href="https://x.example/u">Unsubscribe</a></p></div>`
	content, _ := cleanHTML(body)
	if !strings.Contains(content, "meeting moved to Friday") || strings.Contains(content, "Unsubscribe") {
		t.Errorf("content = %q", content)
	}
}

// TestFootersTakeAtMostHalf: a message whose every paragraph carries an
// unsubscribe link (hostile, or a strange template) keeps at least half
// of its text.
func TestFootersTakeAtMostHalf(t *testing.T) {
	var b strings.Builder
	for range 200 {
		b.WriteString(`<p>` + strings.Repeat("word ", 40) + `<a href="https://x.example/u">unsubscribe</a></p>`)
	}
	content, _ := cleanHTML(b.String())
	if got, all := strings.Count(content, "<p>"), 200; 2*got < all {
		t.Errorf("%d of %d paragraphs kept", got, all)
	}
}
