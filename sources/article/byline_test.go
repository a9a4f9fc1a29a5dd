package article

import (
	"reflect"
	"testing"

	"github.com/tributaryfeeds/tributary/sources"
)

func TestParseByline(t *testing.T) {
	names := func(ns ...string) []sources.Author {
		var out []sources.Author
		for _, n := range ns {
			out = append(out, sources.Author{Name: n})
		}
		return out
	}
	tests := []struct {
		in   string
		want []sources.Author
	}{
		{"By Anna Berg", names("Anna Berg")},
		{"by Anna Berg", names("Anna Berg")},
		{"  BY   Anna\n Berg  ", names("Anna Berg")},
		{"Anna Berg", names("Anna Berg")},
		{"Anna Berg |", names("Anna Berg")},
		{"— Anna Berg ·", names("Anna Berg")},
		{"By: Anna Berg", names("Anna Berg")},
		{"Written by Anna Berg | 3 hours ago", names("Anna Berg")},
		{"By Anna Berg and Li Wei, Geneva", names("Anna Berg", "Li Wei")},
		{"By Anna Berg in Geneva", names("Anna Berg")},
		{"By Anna Berg, Li Wei and Ola Nordmann", names("Anna Berg", "Li Wei", "Ola Nordmann")},
		{"newsdesk@example.org", []sources.Author{{Email: "newsdesk@example.org"}}},
		{"", nil},
		{" | ", nil},
	}
	for _, tt := range tests {
		if got := ParseByline(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseByline(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
