package article

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// golden is the shape of testdata/*.expected.json, the same as the
// project's example expected.json.
type golden struct {
	Title        string   `json:"title"`
	Published    string   `json:"published"`
	Author       string   `json:"author"`
	Authors      []string `json:"authors"`
	AuthorEmail  string   `json:"author_email"`
	Place        string   `json:"place"`
	Publisher    string   `json:"publisher"`
	Categories   []string `json:"categories"`
	Link         string   `json:"link"`
	ContentFirst string   `json:"content_first"`
	ContentLast  string   `json:"content_last"`
	Paragraphs   int      `json:"paragraphs"`
}

// goldenNow is the clock for relative dates in the fixtures.
var goldenNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func parseFile(t testing.TB, path string) (*Article, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	switch filepath.Ext(path) {
	case ".md":
		return ParseMarkdown(f, nil, goldenNow)
	case ".html":
		return ParseHTML(context.Background(), f, "https://example.org/a/", nil, goldenNow)
	}
	return ParseText(f, nil, goldenNow)
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.expected.json")
	if err != nil || len(files) < 10 {
		t.Fatalf("want at least 10 golden files, got %d (%v)", len(files), err)
	}
	for _, exp := range files {
		stem := strings.TrimSuffix(exp, ".expected.json")
		docs, _ := filepath.Glob(stem + ".*")
		if len(docs) < 2 {
			t.Errorf("%s: no document beside it", exp)
		}
		for _, doc := range docs {
			if doc == exp {
				continue
			}
			t.Run(filepath.Base(doc), func(t *testing.T) {
				checkGolden(t, doc, exp)
			})
		}
	}
}

func checkGolden(t *testing.T, doc, exp string) {
	raw, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	var want golden
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", exp, err)
	}
	a, err := parseFile(t, doc)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	eq := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	eq("title", a.Title, want.Title)
	eq("published", formatPublished(a.Published, want.Published), want.Published)
	var names []string
	var email string
	for _, au := range a.Authors {
		if au.Name != "" {
			names = append(names, au.Name)
		}
		email = firstNonEmpty(email, au.Email)
	}
	if want.Authors == nil && want.Author != "" {
		want.Authors = []string{want.Author}
	}
	eq("authors", strings.Join(names, "; "), strings.Join(want.Authors, "; "))
	eq("author_email", email, want.AuthorEmail)
	eq("place", a.Place, want.Place)
	eq("publisher", a.Publisher, want.Publisher)
	eq("categories", strings.Join(a.Categories, ", "), strings.Join(want.Categories, ", "))
	eq("link", a.Link, want.Link)
	if len(a.Paragraphs) != want.Paragraphs {
		t.Errorf("paragraphs = %d, want %d:\n%s", len(a.Paragraphs), want.Paragraphs, strings.Join(a.Paragraphs, "\n"))
	}
	if len(a.Paragraphs) > 0 {
		eq("content_first", a.Paragraphs[0], want.ContentFirst)
		eq("content_last", a.Paragraphs[len(a.Paragraphs)-1], want.ContentLast)
	}
	if !strings.Contains(a.HTML, "<p") {
		t.Errorf("HTML has no paragraph: %q", a.HTML)
	}
}

// formatPublished formats t the way the expectation is written: a bare
// date when it has no time of day.
func formatPublished(t time.Time, want string) string {
	switch {
	case t.IsZero():
		return ""
	case len(want) == len("2006-01-02") && t.Equal(t.Truncate(24*time.Hour)):
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
