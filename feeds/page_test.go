package feeds

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

func TestPublisherPage(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Title: "World", Sources: []string{"a", "b"}})
	st := &fakeStore{}
	long := strings.Repeat("word ", 200)
	st.add(
		sources.Item{Source: "a", ID: "1", Link: "https://e.org/1", Title: `<img src=x onerror=alert(1)>`,
			Summary: `<p>Hello <b>there</b> &amp; welcome</p><script>alert(1)</script>`,
			Content: `<p><img src="/pics/one.jpg"> body</p>`,
			Authors: []sources.Author{{Email: "desk@e.org"}}, Published: fixtureTime.Add(-time.Hour)},
		sources.Item{Source: "b", ID: "2", Link: "https://e.org/2", Title: "Second", Summary: long,
			Image: "https://cdn.e.org/2.png", Authors: []sources.Author{{Name: "Ren Qi"}, {Name: "Anna Berg"}},
			Published: fixtureTime.Add(-2 * time.Hour)},
	)
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	ctx := context.Background()
	if err := p.RenderAll(ctx); err != nil {
		t.Fatal(err)
	}
	if pg, err := p.Page(ctx, "nope"); pg != nil || err != nil {
		t.Error("page of an unknown slug")
	}
	pg, err := p.Page(ctx, "world")
	if err != nil {
		t.Fatal(err)
	}
	if pg == nil || pg.Info.Slug != "world" || pg.Info.Items != 2 || len(pg.Entries) != 2 {
		t.Fatalf("page = %+v", pg)
	}
	if want := p.Get("world", Atom).LastModified; !pg.LastModified.Equal(want) {
		t.Errorf("LastModified %v, want the feed's %v", pg.LastModified, want)
	}
	first := pg.Entries[0]
	want := PageEntry{
		// Titles are plain text: the tag is text for the template to escape.
		Title: `<img src=x onerror=alert(1)>`, Link: "https://e.org/1", Date: fixtureTime.Add(-time.Hour),
		Source: "a", Author: "desk@e.org", Summary: "Hello there & welcome",
		// From the content, made absolute against the item's link.
		Image: "https://e.org/pics/one.jpg",
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("entry 0:\n got %+v\nwant %+v", first, want)
	}
	second := pg.Entries[1]
	if second.Image != "https://cdn.e.org/2.png" || second.Author != "Ren Qi" || second.Source != "b" {
		t.Errorf("entry 1 = %+v", second)
	}
	if len(second.Summary) > pageSummaryLen || !strings.HasSuffix(second.Summary, "word…") {
		t.Errorf("long summary not shortened at a word: %d bytes, %q", len(second.Summary), second.Summary[len(second.Summary)-20:])
	}
}

func TestFirstImage(t *testing.T) {
	for in, want := range map[string]string{
		``:                                     "",
		`<p>no image</p>`:                      "",
		`<img src="data:image/png;base64,AA">`: "",
		`<img alt="x"><IMG SRC="https://e.org/a.png"><img src="https://e.org/b.png">`: "https://e.org/a.png",
		`<img src=http://e.org/c.gif/>`:                                               "http://e.org/c.gif/",
	} {
		if got := firstImage(in); got != want {
			t.Errorf("firstImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two…"},
		{"ééééé", 8, "éé…"},
	} {
		if got := shorten(tt.in, tt.n); got != tt.want || len(got) > tt.n {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
