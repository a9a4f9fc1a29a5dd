package sources

import (
	"fmt"
	"slices"
	"testing"
)

func TestWarningsBounded(t *testing.T) {
	for _, tc := range []struct {
		added int
		want  int // entries in List
		last  string
	}{
		{0, 0, ""},
		{3, 3, "warning 3"},
		{MaxParseWarnings, MaxParseWarnings, fmt.Sprintf("warning %d", MaxParseWarnings)},
		{MaxParseWarnings + 5, MaxParseWarnings + 1, "5 more warnings not shown"},
	} {
		var w Warnings
		for i := range tc.added {
			w.Add("warning %d", i+1)
		}
		got := w.List()
		if len(got) != tc.want {
			t.Errorf("%d added: %d listed, want %d", tc.added, len(got), tc.want)
			continue
		}
		if tc.want > 0 && got[len(got)-1] != tc.last {
			t.Errorf("%d added: last %q, want %q", tc.added, got[len(got)-1], tc.last)
		}
		if tc.added > 0 && !slices.Contains(got, "warning 1") {
			t.Errorf("%d added: the first warning is missing: %q", tc.added, got)
		}
	}
}
