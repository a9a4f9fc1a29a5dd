package feeds

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/tributaryfeeds/tributary/internal/golden"
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
			golden.Check(t, goldenPath(f), got, *update)
			again, err := Render(fixtureMeta(f), fixtureItems(), f)
			if err != nil || !bytes.Equal(got, again) {
				t.Errorf("two renders of the same items differ (err %v)", err)
			}
		})
	}
}
