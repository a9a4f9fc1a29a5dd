package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/feed"
)

// corpusDir holds real-world(-shaped) feed documents (docs/), with their
// provenance (SOURCES.md), and what an independent parser, Python
// feedparser, reads from each (expected/, written by expected.py).
var corpusDir = filepath.Join("..", "testdata", "corpus")

// corpusBase is where the test serves the corpus; the expected values
// resolve relative links against it too.
const corpusBase = "http://corpus.example/"

type expectedDoc struct {
	Doc         string          `json:"doc"`
	ContentType string          `json:"content_type"`
	Entries     []expectedEntry `json:"entries"`
}

type expectedEntry struct {
	Title      string   `json:"title"`
	Link       string   `json:"link"`
	Date       string   `json:"date"`
	Author     string   `json:"author"`
	Enclosures []string `json:"enclosures"`
}

// outItem is an item of our JSON Feed output.
type outItem struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	DatePublished string `json:"date_published"`
	Authors       []struct {
		Name string `json:"name"`
	} `json:"authors"`
	Attachments []struct {
		URL string `json:"url"`
	} `json:"attachments"`
}

// fidelityFields are the compared fields, in report order.
var fidelityFields = []string{"title", "link", "date", "author", "enclosures"}

// fidelityTally counts agreement over the corpus.
type fidelityTally struct {
	docs, failed            int
	expected, fetched, kept int
	agree, total            map[string]int
	checkErrors             []string
	disagreements           []string
}

// TestFidelityCorpus ingests every corpus document end to end (served over
// HTTP, read by the real feed source, stored, built into a feed of its own
// and rendered in the three formats) and compares each item's fields in our
// JSON Feed with what feedparser reads from the same document. It also
// checks every output against the W3C validator's rules and JSON Feed's
// required fields (outputcheck_test.go). docs/FIDELITY.md records the
// figures this test logs with -v.
func TestFidelityCorpus(t *testing.T) {
	expected := loadExpected(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		exp, ok := expected[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := os.ReadFile(filepath.Join(corpusDir, "docs", filepath.FromSlash(name)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", exp.ContentType)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	// Every host is the test server, so the documents are read from
	// corpusBase as a reader's fetch would read them from their site.
	dialer := &net.Dialer{}
	client := sources.NewClient(sources.ClientOptions{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, srv.Listener.Addr().String())
		},
	}})
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tally := &fidelityTally{agree: map[string]int{}, total: map[string]int{}}
	names := make([]string, 0, len(expected))
	for name := range expected {
		names = append(names, name)
	}
	slices.Sort(names)
	outDir := t.TempDir()
	for _, name := range names {
		ingestDoc(t, tally, client, expected[name], now, outDir)
	}
	checkCorpusOutputsWithTools(t, outDir)

	t.Logf("documents %d, failed %d; items expected %d, fetched %d, kept in the output feeds %d",
		tally.docs, tally.failed, tally.expected, tally.fetched, tally.kept)
	for _, f := range fidelityFields {
		t.Logf("%-10s agree %4d / %4d = %.2f%%", f, tally.agree[f], tally.total[f], pct(tally.agree[f], tally.total[f]))
	}
	t.Logf("output check errors (RSS, Atom, JSON Feed): %d", len(tally.checkErrors))
	for _, d := range tally.disagreements {
		t.Logf("disagreement: %s", d)
	}

	if tally.failed > 0 || tally.kept != tally.expected {
		t.Errorf("items kept %d of %d, %d documents failed", tally.kept, tally.expected, tally.failed)
	}
	for _, f := range fidelityFields {
		if p := pct(tally.agree[f], tally.total[f]); p < 99.5 {
			t.Errorf("%s agree %.2f%%, want >= 99.5%%", f, p)
		}
	}
	for _, e := range tally.checkErrors {
		t.Errorf("invalid output: %s", e)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func loadExpected(t *testing.T) map[string]*expectedDoc {
	t.Helper()
	out := map[string]*expectedDoc{}
	root := filepath.Join(corpusDir, "expected")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc expectedDoc
		if err := json.Unmarshal(body, &doc); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out[doc.Doc] = &doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d expected documents under %s", len(out), root)
	}
	return out
}

func ingestDoc(t *testing.T, tally *fidelityTally, client *sources.Client, exp *expectedDoc, now time.Time, outDir string) {
	t.Helper()
	tally.docs++
	tally.expected += len(exp.Entries)
	for _, f := range fidelityFields {
		tally.total[f] += len(exp.Entries)
	}
	src := feed.New(feed.Options{URL: corpusBase + exp.Doc, Client: client, Now: func() time.Time { return now }})
	res, err := src.Fetch(context.Background(), sources.Request{})
	if err != nil {
		tally.failed++
		tally.disagreements = append(tally.disagreements, fmt.Sprintf("%s: fetch failed: %v", exp.Doc, err))
		return
	}
	items := res.Items
	tally.fetched += len(items)
	for i := range items {
		items[i].Source = "a"
		items[i].FirstSeen = now
	}
	st := &fakeStore{}
	st.add(items...)
	cfg := testConfig(config.Feed{Slug: "corpus", Title: "Corpus", Sources: []string{"a"}, Limit: 100000})
	built, err := Build(context.Background(), st, cfg, &cfg.Feeds[0], now)
	if err != nil {
		t.Fatalf("%s: build: %v", exp.Doc, err)
	}
	tally.kept += len(built)
	var outputs [numFormats][]byte
	for _, f := range formats {
		body, err := Render(Meta{Title: "Corpus", SiteURL: "http://127.0.0.1:8080/", FeedURL: "http://127.0.0.1:8080/feeds/corpus." + f.String(), Now: now}, built, f)
		if err != nil {
			t.Fatalf("%s: render %s: %v", exp.Doc, f, err)
		}
		outputs[f] = body
		file := filepath.Join(outDir, strings.ReplaceAll(exp.Doc, "/", "_")+"."+f.String())
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range checkRSS(outputs[RSS]) {
		tally.checkErrors = append(tally.checkErrors, exp.Doc+": "+e)
	}
	for _, e := range checkAtom(outputs[Atom]) {
		tally.checkErrors = append(tally.checkErrors, exp.Doc+": "+e)
	}
	for _, e := range checkJSONFeed(outputs[JSON]) {
		tally.checkErrors = append(tally.checkErrors, exp.Doc+": "+e)
	}
	var doc struct {
		Items []outItem `json:"items"`
	}
	if err := json.Unmarshal(outputs[JSON], &doc); err != nil {
		t.Fatalf("%s: %v", exp.Doc, err)
	}
	byID := make(map[string]*outItem, len(doc.Items))
	for i := range doc.Items {
		byID[doc.Items[i].ID] = &doc.Items[i]
	}
	for i, want := range exp.Entries {
		var got *outItem
		var in *sources.Item
		if i < len(items) {
			in = &items[i]
			got = byID[in.ID]
		}
		if got == nil {
			for _, f := range fidelityFields {
				tally.disagreements = append(tally.disagreements, fmt.Sprintf("%s #%d %s: item missing", exp.Doc, i, f))
			}
			continue
		}
		compare := func(field string, ok bool, gotv, wantv any) {
			if ok {
				tally.agree[field]++
				return
			}
			tally.disagreements = append(tally.disagreements, fmt.Sprintf("%s #%d %s: got %q, feedparser %q", exp.Doc, i, field, gotv, wantv))
		}
		// An item without a title gets one (formats and readers need it).
		compare("title", got.Title == want.Title || want.Title == "" && got.Title != "", got.Title, want.Title)
		compare("link", got.URL == want.Link, got.URL, want.Link)
		if want.Date == "" {
			// No date upstream: the item is dated when first seen.
			compare("date", in.Published.IsZero() && in.Updated.IsZero(), in.Published, "")
		} else {
			compare("date", got.DatePublished == want.Date, got.DatePublished, want.Date)
		}
		author := ""
		if len(got.Authors) > 0 {
			author = got.Authors[0].Name
		}
		compare("author", author == want.Author, author, want.Author)
		var urls []string
		for _, a := range got.Attachments {
			urls = append(urls, a.URL)
		}
		// Every enclosure feedparser reads, the first one first; media:content
		// that feedparser leaves out of enclosures may follow.
		ok := len(want.Enclosures) == 0 || len(urls) > 0 && urls[0] == want.Enclosures[0]
		for _, u := range want.Enclosures {
			ok = ok && slices.Contains(urls, u)
		}
		compare("enclosures", ok, urls, want.Enclosures)
	}
}

// checkCorpusOutputsWithTools runs the independent checkers over every
// output of the corpus at once: feedparser must read each RSS and Atom
// output without complaint (bozo 0), and jing must validate each Atom
// output against RFC 4287's schema.
func checkCorpusOutputsWithTools(t *testing.T, dir string) {
	t.Helper()
	rss, _ := filepath.Glob(filepath.Join(dir, "*.rss"))
	atom, _ := filepath.Glob(filepath.Join(dir, "*.atom"))
	t.Run("feedparser", func(t *testing.T) {
		requireTool(t, "/usr/bin/python3", "-c", "import feedparser")
		const script = `import sys, feedparser
for p in sys.argv[1:]:
    d = feedparser.parse(p)
    if d.bozo:
        print(p, repr(d.get("bozo_exception")))
`
		out, err := exec.Command("/usr/bin/python3", append([]string{"-c", script}, append(rss, atom...)...)...).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("feedparser: %v\n%s", err, out)
		}
	})
	t.Run("jing", func(t *testing.T) {
		requireTool(t, "jing")
		schema := filepath.Join("testdata", "atom.rnc")
		if out, err := exec.Command("jing", append([]string{"-c", schema}, atom...)...).CombinedOutput(); err != nil {
			t.Errorf("jing: %v\n%s", err, out)
		}
	})
}
