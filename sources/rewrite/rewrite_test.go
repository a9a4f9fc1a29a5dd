package rewrite

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/golden"
	"github.com/tributaryfeeds/tributary/sources"
)

var update = flag.Bool("update", false, "rewrite the testdata/*-result golden files")

func compile(t testing.TB, rules ...config.Rewrite) []config.RewriteRule {
	t.Helper()
	var out []config.RewriteRule
	for _, r := range rules {
		rule, errs := config.CompileRewrite(r)
		if len(errs) > 0 {
			t.Fatalf("%+v: %v", r, errs)
		}
		out = append(out, rule)
	}
	return out
}

// goldenRules are the README's example rules and more.
var goldenRules = []config.Rewrite{
	{Field: "title", Replace: `re:^\[Ad\]\s*`, With: ""},
	{Field: "title", Replace: `re:(\d+) to (\d+)`, With: "$1–$2"},
	{Field: "content", Remove: ".newsletter-signup, .share"},
	{Field: "content", Replace: `re:\[Ad\]\s*`},
	{Field: "summary", Replace: "utm_source=feed", With: "$1 literal"},
	{Field: "author", Replace: `re:^By\s+`, With: ""},
	{Field: "link", Replace: `re:\?utm_[^#]*`, With: ""},
}

func TestApplyGolden(t *testing.T) {
	content, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	it := sources.Item{
		Title:   "[Ad] Council votes 31 to 12",
		Link:    "https://city.example.org/news/1?utm_source=feed&utm_medium=rss",
		Summary: "The vote. utm_source=feed",
		Content: string(content),
		Authors: []sources.Author{{Name: "By Ren Qi"}, {Name: "By "}},
	}
	Apply(&it, compile(t, goldenRules...))
	got, err := json.MarshalIndent(it, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "article.html-result"), append(got, '\n'), *update)
	// What the golden file holds, spelled out.
	if it.Title != "Council votes 31–12" || it.Link != "https://city.example.org/news/1" ||
		it.Summary != "The vote. $1 literal" || len(it.Authors) != 1 || it.Authors[0].Name != "Ren Qi" {
		t.Errorf("item %+v", it)
	}
	for _, gone := range []string{"newsletter", "Share", "[Ad]"} {
		if strings.Contains(it.Content, gone) {
			t.Errorf("content still has %q: %s", gone, it.Content)
		}
	}
	if !strings.Contains(it.Content, "press@city.example.org") {
		t.Errorf("content lost what no rule touched: %s", it.Content)
	}
}

// TestRemoveNoMatchKeepsBytes: a remove rule that matches nothing leaves
// the content exactly as it was (no re-serialisation).
func TestRemoveNoMatchKeepsBytes(t *testing.T) {
	in := `<p>Keep <b>this</b> as&nbsp;is<br></p>`
	it := sources.Item{Content: in}
	Apply(&it, compile(t, config.Rewrite{Field: "content", Remove: ".absent"}))
	if it.Content != in {
		t.Errorf("content changed: %q", it.Content)
	}
}

func TestWrap(t *testing.T) {
	src := static{{ID: "1", Title: "[Ad] One"}, {ID: "2", Title: "Two"}}
	s := Wrap(src, compile(t, config.Rewrite{Field: "title", Replace: `re:^\[Ad\]\s*`}))
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Title != "One" || res.Items[1].Title != "Two" {
		t.Errorf("items %+v", res.Items)
	}
	if _, same := Wrap(src, nil).(static); !same {
		t.Error("no rules should return the source itself")
	}
}

func TestCompileRewriteErrors(t *testing.T) {
	for _, tt := range []struct {
		r    config.Rewrite
		want string
	}{
		{config.Rewrite{Field: "body", Replace: "x"}, `unknown field "body"`},
		{config.Rewrite{Replace: "x"}, "field: required"},
		{config.Rewrite{Field: "title"}, "replace: required"},
		{config.Rewrite{Field: "title", Replace: "re:(", With: "y"}, "invalid regular expression"},
		{config.Rewrite{Field: "title", Remove: "p"}, "only for field content or summary"},
		{config.Rewrite{Field: "content", Remove: "p[", With: "x"}, "invalid CSS selector"},
		{config.Rewrite{Field: "content", Remove: "p", Replace: "x"}, "not both"},
	} {
		_, errs := config.CompileRewrite(tt.r)
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Key+": "+e.Msg)
		}
		if got := strings.Join(msgs, "; "); !strings.Contains(got, tt.want) {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
		}
	}
}

// FuzzRewrite runs hostile HTML and text through every kind of rule: no
// panic, and a remove rule leaves no element it matches.
func FuzzRewrite(f *testing.F) {
	content, err := os.ReadFile("testdata/article.html")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(content), "[Ad] title")
	f.Add(`<div class="share"><div class="share"><p>x</div>`, "$1$2${x}")
	f.Add("<table><tr><td class=share>", "\xff\xfe")
	rules := compile(f, goldenRules...)
	f.Fuzz(func(t *testing.T, html, title string) {
		it := sources.Item{Title: title, Content: html, Summary: html, Link: title, Authors: []sources.Author{{Name: title}}}
		Apply(&it, rules)
		if strings.Contains(it.Content, `class="newsletter-signup"`) || strings.Contains(it.Content, `class="share"`) {
			t.Fatalf("removed element left in %q", it.Content)
		}
	})
}

type static []sources.Item

func (s static) Fetch(context.Context, sources.Request) (*sources.Result, error) {
	return &sources.Result{Items: append([]sources.Item(nil), s...)}, nil
}
