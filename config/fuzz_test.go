package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	for _, file := range append(seeds, bad...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("sources:\n  - &s {name: a, url: 'http://x/'}\n  - *s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data, func(string) string { return "${X}" })
		if err == nil {
			if c == nil {
				t.Fatal("nil config without error")
			}
			_ = c.Summary()
			for i := range c.Feeds {
				c.FeedSources(&c.Feeds[i])
			}
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 || err.Error() == "" {
			t.Fatalf("error %T %q is not a non-empty ErrorList", err, err)
		}
	})
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"*/15 * * * *", "@every 30m", "TZ=UTC 0 * * * *", "CRON_TZ=", "@every 1d2h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec)
		if (s.Schedule == nil) == (err == nil) {
			t.Fatalf("ParseSchedule(%q) = %v, %v", spec, s, err)
		}
	})
}

// FuzzCompileSelector feeds arbitrary expressions to the CSS, XPath and
// JSONPath compilers: an error or a usable selector, never a panic.
func FuzzCompileSelector(f *testing.F) {
	for _, s := range []string{"a@href", "xpath://div[@class='x']", "xpath:.//a/@href", "xpath:(", "$.data.posts[*]", "$..[?@.a>1]", "$[", "@id"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		for _, kind := range []string{KindHTML, KindJSON} {
			for _, plain := range []bool{true, false} {
				sel, err := compileField(kind, expr, plain)
				if err == nil && (sel == nil || sel.CSS == nil && sel.XPath == nil && sel.JSON == nil && sel.Attr == "") {
					t.Fatalf("compileField(%s, %q) = %+v without error", kind, expr, sel)
				}
			}
		}
	})
}
