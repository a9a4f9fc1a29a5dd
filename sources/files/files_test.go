package files

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const goodText = `Harbour opens new quay

Updated: 2026-11-16 By Ines Duarte in Porto

The harbour opened its new quay on Monday, doubling the space for cruise ships.

The quay cost forty million euros and took three years to build.
`

// fixtures are the article package's documents: this package reads the
// same files, and one copy cannot drift from what article's goldens check.
const fixtures = "../article/testdata"

func copyFixture(t *testing.T, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, string(b))
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fetch(t *testing.T, s *Source) *sources.Result {
	t.Helper()
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return res
}

func byID(res *sources.Result) map[string]sources.Item {
	m := make(map[string]sources.Item)
	for _, it := range res.Items {
		m[it.ID] = it
	}
	return m
}

// fileID is the ID expected for a file of source "news" without a base
// URL, spelled out rather than computed the way the code does.
func fileID(t *testing.T, dir, name string) string {
	t.Helper()
	return "urn:tributary:files:news:" + strings.ReplaceAll(name, " ", "%20")
}

func newSource(dir, base string) *Source {
	return New(Options{Name: "news", Dir: dir, BaseURL: base, Now: func() time.Time { return testNow }})
}

func TestFetchExamples(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"beijing-moscow-security-cooperation.txt", "harbour-wind-farm.md", "river-festival-postponed.html"} {
		copyFixture(t, dir, n)
	}
	write(t, dir, ".hidden.txt", goodText)
	write(t, dir, "notes.csv", "a,b\n")
	if err := os.Mkdir(filepath.Join(dir, "sub.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := fetch(t, newSource(dir, ""))
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	items := byID(res)
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3: %v", len(items), items)
	}
	bj := items[fileID(t, dir, "beijing-moscow-security-cooperation.txt")]
	if bj.Title != "Beijing, Moscow pledge to boost security cooperation" {
		t.Errorf("title = %q", bj.Title)
	}
	if want := time.Date(2018, 8, 16, 0, 0, 0, 0, time.UTC); !bj.Published.Equal(want) {
		t.Errorf("published = %v, want %v", bj.Published, want)
	}
	if len(bj.Authors) != 1 || bj.Authors[0] != (sources.Author{Name: "Ren Qi", Email: "renqi@chinadaily.com.cn"}) {
		t.Errorf("authors = %+v", bj.Authors)
	}
	if !strings.HasPrefix(bj.Summary, "Officials attending") || strings.Contains(bj.Content, "Copyright") || strings.Contains(bj.Content, "WeChat") {
		t.Errorf("summary %q / content %q", bj.Summary, bj.Content)
	}
	md := items[fileID(t, dir, "harbour-wind-farm.md")]
	if strings.Join(md.Categories, ",") != "energy,ports" || md.Link != "" {
		t.Errorf("md categories %v link %q", md.Categories, md.Link)
	}
	rf := items[fileID(t, dir, "river-festival-postponed.html")]
	if rf.Link != "https://valley-courier.example/2026/04/river-festival-postponed" {
		t.Errorf("html link = %q, want the canonical link", rf.Link)
	}
}

func TestLinkFromBaseURL(t *testing.T) {
	dir := t.TempDir()
	copyFixture(t, dir, "river-festival-postponed.html")
	write(t, dir, "quay news.txt", goodText)
	for _, base := range []string{"https://news.example.org/articles/", "https://news.example.org/articles"} {
		// With a base URL the link is the ID: absolute, unique and stable.
		items := byID(fetch(t, newSource(dir, base)))
		for _, link := range []string{
			"https://news.example.org/articles/river-festival-postponed",
			"https://news.example.org/articles/quay%20news",
		} {
			if got := items[link].Link; got != link {
				t.Errorf("base %q: item %q has link %q; items %v", base, link, got, items)
			}
		}
	}
}

func TestNewChangedDeleted(t *testing.T) {
	dir := t.TempDir()
	s := newSource(dir, "")
	if res := fetch(t, s); len(res.Items) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("empty dir: %+v", res)
	}
	write(t, dir, "quay.txt", goodText)
	first := byID(fetch(t, s))[fileID(t, dir, "quay.txt")]
	if first.Title != "Harbour opens new quay" {
		t.Fatalf("new file: %+v", first)
	}
	// Same size, later mtime: must be parsed again.
	edited := strings.Replace(goodText, "Harbour opens new quay", "Harbour opens big quay", 1)
	write(t, dir, "quay.txt", edited)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "quay.txt"), later, later); err != nil {
		t.Fatal(err)
	}
	second := byID(fetch(t, s))[fileID(t, dir, "quay.txt")]
	if second.Title != "Harbour opens big quay" || second.ID != first.ID {
		t.Errorf("changed file: %+v", second)
	}
	if err := os.Remove(filepath.Join(dir, "quay.txt")); err != nil {
		t.Fatal(err)
	}
	if res := fetch(t, s); len(res.Items) != 0 {
		t.Errorf("deleted file still listed: %+v", res.Items)
	}
}

func TestUnchangedFileIsCached(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "quay.txt", goodText)
	s := newSource(dir, "")
	fetch(t, s)
	// Overwrite with different content but restore size and mtime: the
	// cached parse must be served, proving the file was not read again.
	path := filepath.Join(dir, "quay.txt")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "quay.txt", strings.Replace(goodText, "new", "old", 1))
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got := byID(fetch(t, s))[fileID(t, dir, "quay.txt")].Title; got != "Harbour opens new quay" {
		t.Errorf("title = %q, want the cached one", got)
	}
}

func TestBadFilesAreWarnings(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "quay.txt", goodText)
	write(t, dir, "empty.txt", "")
	write(t, dir, "title-only.md", "# Just a heading\n")
	write(t, dir, "broken.md", "---\ntitle: [unclosed\n---\nBody text here.\n")
	res := fetch(t, newSource(dir, ""))
	if len(res.Items) != 1 {
		t.Errorf("items = %d, want 1", len(res.Items))
	}
	if len(res.Warnings) != 3 {
		t.Fatalf("warnings = %q, want 3", res.Warnings)
	}
	for _, w := range res.Warnings {
		if !strings.Contains(w, ".txt") && !strings.Contains(w, ".md") {
			t.Errorf("warning does not name the file: %q", w)
		}
	}
}

func TestMissingDirIsError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := newSource(dir, "").Fetch(context.Background(), sources.Request{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v, want a not-exist error naming %s", err, dir)
	}
}

func TestSummaryTruncatedAndEscaped(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("Tom & Jerry <run> along the quay again. ", 20)
	write(t, dir, "long.txt", "Long story here\n\n"+long+"\n")
	it := fetch(t, newSource(dir, "")).Items[0]
	if strings.Contains(it.Summary, "<run>") || !strings.Contains(it.Summary, "&amp;") {
		t.Errorf("summary not escaped: %q", it.Summary)
	}
	if n := len([]rune(html.UnescapeString(it.Summary))); n > summaryLen+1 || !strings.HasSuffix(it.Summary, "…") {
		t.Errorf("summary not truncated (%d runes): %q", n, it.Summary)
	}
}

func TestLocation(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "quay.txt", goodText)
	loc := time.FixedZone("UTC+2", 2*3600)
	s := New(Options{Dir: dir, Location: loc})
	got := fetch(t, s).Items[0].Published
	if want := time.Date(2026, 11, 15, 22, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("published = %v, want %v", got, want)
	}
}

// TestIDsNamespacedBySource: an id names the file relative to its folder,
// namespaced by the source, and never the server's path (it is published
// as the guid and the Atom id).
func TestIDsNamespacedBySource(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, d, "post one.txt", goodText)
	}
	ia := fetch(t, New(Options{Name: "alpha", Dir: a})).Items
	ib := fetch(t, New(Options{Name: "beta", Dir: b})).Items
	if len(ia) != 1 || len(ib) != 1 {
		t.Fatalf("items %v / %v", ia, ib)
	}
	if ia[0].ID != "urn:tributary:files:alpha:post%20one.txt" || ib[0].ID != "urn:tributary:files:beta:post%20one.txt" {
		t.Errorf("ids %q, %q", ia[0].ID, ib[0].ID)
	}
	for _, it := range append(ia, ib...) {
		if strings.Contains(fmt.Sprintf("%+v", it), filepath.Dir(root)) {
			t.Errorf("item shows the server's path: %+v", it)
		}
	}

	// A relative folder gets the same id.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := fetch(t, New(Options{Name: "alpha", Dir: rel})).Items[0].ID; got != ia[0].ID {
		t.Errorf("relative folder id %q, want %q", got, ia[0].ID)
	}
}

func TestSameStemWithBaseURL(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "post.txt", goodText)
	write(t, dir, "post.md", "# "+goodText)
	res := fetch(t, newSource(dir, "https://news.example.org/"))
	if len(res.Items) != 1 || res.Items[0].ID != "https://news.example.org/post" {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "same link as") {
		t.Errorf("warnings %q", res.Warnings)
	}
}
