package build

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// site serves a feed, a listing page and an article page.
func site(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var articleHits atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><link>%s/</link>
<item><title>Feed item</title><link>%[1]s/article</link><description>teaser</description></item>
</channel></rss>`, srv.URL)
	})
	mux.HandleFunc("/list", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul class="news"><li><a href="/article">Listed item</a></li></ul></body></html>`)
	})
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		articleHits.Add(1)
		fmt.Fprint(w, `<html><head><title>Article</title></head><body><nav>Menu</nav>
<article><p>The full body of the article, long enough to be the main content of this page.</p></article>
<footer>Copyright</footer></body></html>`)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &articleHits
}

func fetch(t *testing.T, src config.Source) []sources.Item {
	t.Helper()
	s, err := Source(compiled(t, src), sources.NewClient(sources.ClientOptions{}), nil)
	if err != nil {
		t.Fatalf("build %s: %v", src.Name, err)
	}
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatalf("fetch %s: %v", src.Name, err)
	}
	return res.Items
}

// TestSourceKinds builds every kind from its configuration and checks that
// each fetches what it should.
func TestSourceKinds(t *testing.T) {
	srv, articleHits := site(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "note.md"), []byte("# A local note\n\nIts only paragraph.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sel := &config.Select{Item: "ul.news li", Title: "a", Link: "a@href"}
	tests := []struct {
		src       config.Source
		wantTitle string
		wantText  string // in the content, when set
		wantHits  int32  // article page fetches
	}{
		{config.Source{Name: "f", Kind: config.KindFeed, URL: srv.URL + "/feed.xml"}, "Feed item", "", 0},
		{config.Source{Name: "h", Kind: config.KindHTML, URL: srv.URL + "/list", Select: sel}, "Listed item", "", 0},
		{config.Source{Name: "l", Kind: config.KindFiles, Path: dir, Timezone: "Europe/Oslo"}, "A local note", "Its only paragraph.", 0},
		{config.Source{Name: "ft", Kind: config.KindFeed, URL: srv.URL + "/feed.xml", FullText: true}, "Feed item", "The full body of the article", 1},
	}
	for _, tt := range tests {
		before := articleHits.Load()
		items := fetch(t, tt.src)
		if len(items) != 1 || items[0].Title != tt.wantTitle {
			t.Errorf("%s: items %+v, want one titled %q", tt.src.Name, items, tt.wantTitle)
			continue
		}
		if !strings.Contains(items[0].Content, tt.wantText) {
			t.Errorf("%s: content %q lacks %q", tt.src.Name, items[0].Content, tt.wantText)
		}
		if got := articleHits.Load() - before; got != tt.wantHits {
			t.Errorf("%s: article page fetched %d times, want %d", tt.src.Name, got, tt.wantHits)
		}
	}
}

func TestSourceErrors(t *testing.T) {
	tests := []struct {
		src  config.Source
		want string
	}{
		{config.Source{Name: "raw", Kind: config.KindFeed, URL: "https://x.example/"}, "source raw: not compiled"},
		{config.Source{Name: "odd", Kind: "gopher", URL: "https://x.example/", Compiled: &config.CompiledSource{}}, `source odd: unknown kind "gopher"`},
		{config.Source{Name: "nosel", Kind: config.KindHTML, URL: "https://x.example/", Compiled: &config.CompiledSource{}}, "source nosel: html source: select needs"},
	}
	for _, tt := range tests {
		_, err := Source(tt.src, sources.NewClient(sources.ClientOptions{}), nil)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to start with %q", tt.src.Name, err, tt.want)
		}
	}
}

// compiled returns src as a configuration holding it compiles it.
func compiled(t *testing.T, src config.Source) config.Source {
	t.Helper()
	c := config.Default()
	c.Sources = []config.Source{src}
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	return c.Sources[0]
}
