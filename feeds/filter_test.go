package feeds

import (
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

func TestFilter(t *testing.T) {
	item := sources.Item{
		Title:      "Security summit opens",
		Summary:    `<p>Talks on <b>défense</b> budgets</p>`,
		Content:    `<p>Sponsored<span>content</span> here</p><script>secret</script>`,
		Categories: []string{"Foreign Policy"},
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             bool
	}{
		{"no filters", nil, nil, true},
		{"word in title, any case", []string{"SECURITY"}, nil, true},
		{"partial word does not match", []string{"secur"}, nil, false},
		{"unicode word in summary", []string{"Défense"}, nil, true},
		{"word in category", []string{"policy"}, nil, true},
		{"phrase in category", []string{"foreign policy"}, nil, true},
		{"any include suffices", []string{"nothing", "summit"}, nil, true},
		{"regex include", []string{"re:(?i)SUMM?IT"}, nil, true},
		{"regex include missing", []string{"re:^Sports"}, nil, false},
		{"exclude word", nil, []string{"sponsoredcontent"}, false},
		{"inline tags do not split words", nil, []string{"sponsored"}, true},
		{"script text is not content", nil, []string{"secret"}, true},
		{"exclude wins over include", []string{"summit"}, []string{"budgets"}, false},
		{"tags are stripped", nil, []string{"span"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := compileFilter(t, tt.include, tt.exclude)
			if got := f.keep(&item); got != tt.want {
				t.Errorf("keep = %v, want %v (text %q)", got, tt.want, filterText(&item))
			}
		})
	}
}

// compileFilter compiles include and exclude entries as config does.
func compileFilter(t *testing.T, include, exclude []string) *filter {
	t.Helper()
	var f filter
	for _, e := range include {
		m, err := config.CompileMatcher(e)
		if err != nil {
			t.Fatal(err)
		}
		f.include = append(f.include, m)
	}
	for _, e := range exclude {
		m, err := config.CompileMatcher(e)
		if err != nil {
			t.Fatal(err)
		}
		f.exclude = append(f.exclude, m)
	}
	return &f
}

func TestContainsWord(t *testing.T) {
	tests := []struct {
		text, word string
		want       bool
	}{
		{"a cat sat", "cat", true},
		{"concatenate", "cat", false},
		{"cats cat", "cat", true},
		{"cat", "cat", true},
		{"", "cat", false},
		{"x_cat", "cat", false},
		{"über-cat!", "cat", true},
		{"東京タワー", "東京", false},
		{"東京 タワー", "東京", true},
	}
	for _, tt := range tests {
		if got := containsWord(tt.text, tt.word); got != tt.want {
			t.Errorf("containsWord(%q, %q) = %v, want %v", tt.text, tt.word, got, tt.want)
		}
	}
}

func TestFilterScoped(t *testing.T) {
	item := sources.Item{
		Title:      "Breaking: storm hits the coast",
		Link:       "https://news.example.org/2026/storm",
		Summary:    "<p>Ren Qi reports on the world weather.</p>",
		Authors:    []sources.Author{{Name: "Ren Qi", Email: "ren@example.org"}},
		Categories: []string{"World", "Climate desk"},
	}
	tests := []struct {
		entry string
		want  bool
	}{
		{"title:storm", true},
		{"title:STORM", true},
		{"title:world", false}, // in the summary and a category, not the title
		{"title:re:^Breaking", true},
		{"title:re:^storm", false},
		{"author:ren qi", true},
		{"author:storm", false},
		{"author:re:@example\\.org$", true},
		{"category:world", true},
		{"category:climate desk", true},
		{"category:storm", false},
		{"link:news.example.org", true},
		{"link:storm", true},
		{"link:ren", false},
		{"link:re:^https://news\\.", true},
		{"world", true}, // unscoped: title, summary, content, categories
		{"ren qi", true},
		{"re:(?i)climate", true},
	}
	for _, tt := range tests {
		f := compileFilter(t, []string{tt.entry}, nil)
		if got := f.keep(&item); got != tt.want {
			t.Errorf("include %q: keep = %v, want %v", tt.entry, got, tt.want)
		}
		f = compileFilter(t, nil, []string{tt.entry})
		if got := f.keep(&item); got == tt.want {
			t.Errorf("exclude %q: keep = %v, want %v", tt.entry, got, !tt.want)
		}
	}
}

// TestFilterBoundedPrefix: filters look at a bounded prefix of each field,
// so a huge upstream content costs the same as a 64 KiB one.
func TestFilterBoundedPrefix(t *testing.T) {
	filler := strings.Repeat("filler words ", maxFilterText/len("filler words ")+10)
	item := sources.Item{Title: "t", Content: "<p>early " + filler + " needle</p>"}
	for _, tt := range []struct {
		entry string
		want  bool
	}{
		{"early", true},
		{"re:early", true},
		{"needle", false},
		{"re:needle", false},
	} {
		if got := compileFilter(t, []string{tt.entry}, nil).keep(&item); got != tt.want {
			t.Errorf("include %q: keep = %v, want %v", tt.entry, got, tt.want)
		}
	}
	if got := bounded("ab" + strings.Repeat("é", maxFilterText)); len(got) > maxFilterText || !strings.HasSuffix(got, "é") {
		t.Errorf("bounded cut %d bytes, ending %q", len(got), got[len(got)-2:])
	}
}

// BenchmarkFilterHugeContent: an item with 1 MiB of content costs what a
// 64 KiB one does, because filters read a bounded prefix.
func BenchmarkFilterHugeContent(b *testing.B) {
	item := sources.Item{Title: "t", Content: "<p>" + strings.Repeat("lorem ipsum dolor ", 1<<20/18) + "</p>"}
	var f filter
	for _, e := range []string{"re:(?i)summit\\s+\\w+", "security", "title:breaking"} {
		m, err := config.CompileMatcher(e)
		if err != nil {
			b.Fatal(err)
		}
		f.include = append(f.include, m)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.keep(&item)
	}
}
