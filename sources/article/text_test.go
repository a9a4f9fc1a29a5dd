package article

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseTextNoArticle(t *testing.T) {
	for _, in := range []string{"", "\n\n\n", "www.example.com\n\nNews\n", "Just a headline\n"} {
		if _, err := ParseText(strings.NewReader(in), nil, goldenNow); !errors.Is(err, ErrNoArticle) {
			t.Errorf("ParseText(%q) error = %v, want ErrNoArticle", in, err)
		}
	}
}

func TestParseTextHeadlineWithDate(t *testing.T) {
	// A headline that contains a date must not be taken for the dateline.
	in := "Storm of 16 August 2018 remembered in harbour towns\n\nBy Jo Rees\n\nTen years on, the harbour towns held a day of remembrance for the storm.\n"
	a, err := ParseText(strings.NewReader(in), nil, goldenNow)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Storm of 16 August 2018 remembered in harbour towns" || len(a.Authors) != 1 || a.Authors[0].Name != "Jo Rees" {
		t.Errorf("got title %q authors %+v", a.Title, a.Authors)
	}
}

func TestParseTextHTMLEscapes(t *testing.T) {
	in := "Tags <b> & quotes\n\n2026-11-16\n\nThe mayor said <script>alert(1)</script> & left.\n"
	a, err := ParseText(strings.NewReader(in), nil, goldenNow)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.HTML, "<script>") || !strings.Contains(a.HTML, "&lt;script&gt;") {
		t.Errorf("HTML not escaped: %q", a.HTML)
	}
}

func TestExtractRemovesBoilerplate(t *testing.T) {
	page, err := os.ReadFile("testdata/graph-boilerplate.html")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Extract(context.Background(), page, "https://delta-gazette.example/news/bridge-repairs")
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"Log in", "Share on Facebook", "Tweet this", "Most read", "Storm warning", "First!", "All rights reserved", "Privacy policy", "By Pieter"} {
		if strings.Contains(a.HTML, junk) {
			t.Errorf("extracted HTML still has %q", junk)
		}
	}
	if !strings.Contains(a.HTML, "Repairs to the old swing bridge") || !strings.Contains(a.HTML, "their own lane") {
		t.Errorf("extracted HTML lost the body: %s", a.HTML)
	}
	if !strings.Contains(a.HTML, `href="https://delta-gazette.example/council"`) {
		t.Errorf("relative link not resolved: %s", a.HTML)
	}
	if a.Title != "Bridge repairs finish early" || len(a.Authors) != 2 || a.Link != "https://delta-gazette.example/news/bridge-repairs" {
		t.Errorf("metadata: %+v", a)
	}
	if want := time.Date(2026, 2, 9, 7, 30, 0, 0, time.UTC); !a.Published.Equal(want) {
		t.Errorf("published = %v, want %v", a.Published, want)
	}
}

func TestExtractCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, []byte("<p>x</p>"), ""); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func FuzzParseText(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			if b, err := os.ReadFile("testdata/" + e.Name()); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add("By , and\n|||\n© \n@@\n")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseText(strings.NewReader(s), time.FixedZone("X", 3600), goldenNow)
		if err == nil && (a.Title == "" || len(a.Paragraphs) == 0) {
			t.Errorf("no error for an article without title or body: %+v", a)
		}
	})
}

func FuzzParseMarkdown(f *testing.F) {
	for _, s := range []string{"---\ntitle: x\n---\n# x\n\ntext", "# T\n\n*By A | 2026-01-02*\n\n- a\n- b\n\n> q\n\n```\ncode", "[a](javascript:x) **b** _c_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseMarkdown(strings.NewReader(s), nil, goldenNow)
		if err == nil && strings.Contains(strings.ToLower(a.HTML), "href=\"javascript") {
			t.Errorf("unsafe link rendered: %s", a.HTML)
		}
	})
}
