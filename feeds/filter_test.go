package feeds

import (
	"testing"

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
			f, err := compileFilter(tt.include, tt.exclude)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.keep(&item); got != tt.want {
				t.Errorf("keep = %v, want %v (text %q)", got, tt.want, filterText(&item))
			}
		})
	}
}

func TestFilterBadRegex(t *testing.T) {
	if _, err := compileFilter([]string{"re:("}, nil); err == nil {
		t.Error("want an error for an invalid regex")
	}
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
