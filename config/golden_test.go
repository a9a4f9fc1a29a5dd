package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*.err golden files")

// TestBadConfigs parses every testdata/bad/*.yaml as Load would (relative
// paths resolved and checked) without the environment, and compares the
// whole error text with its .err file.
func TestBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/bad/*.yaml")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, perr := parse(file, data, noEnv, filepath.Dir(file))
			if perr == nil {
				t.Fatal("Parse succeeded, want errors")
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			got := perr.Error() + "\n"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
			if _, ok := perr.(ErrorList); !ok {
				t.Errorf("error is %T, want ErrorList", perr)
			}
		})
	}
}

func noEnv(string) string { return "" }
