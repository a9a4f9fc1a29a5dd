package feeds

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func goldenPath(f Format) string {
	return filepath.Join("testdata", "golden", "world."+f.String())
}

func TestRenderGolden(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			got, err := Render(fixtureMeta(f), fixtureItems(), f)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, goldenPath(f), got)
			again, err := Render(fixtureMeta(f), fixtureItems(), f)
			if err != nil || !bytes.Equal(got, again) {
				t.Errorf("two renders of the same items differ (err %v)", err)
			}
		})
	}
}

// checkGolden compares got with the golden file at path, rewriting the
// file first under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./feeds -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from render; got:\n%s", path, got)
	}
}
