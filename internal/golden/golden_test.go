package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder stands in for *testing.T so the failures Check reports can be
// asserted instead of failing this test.
type recorder struct {
	testing.TB
	failed, fatal bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed, r.fatal = true, true }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden")

	r := &recorder{TB: t}
	Check(r, path, []byte("a\n"), false)
	if !r.fatal {
		t.Error("a missing golden file passed")
	}

	r = &recorder{TB: t}
	Check(r, path, []byte("a\n"), true)
	if r.failed {
		t.Error("update then compare failed")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\n" {
		t.Errorf("update wrote %q, %v", b, err)
	}

	r = &recorder{TB: t}
	Check(r, path, []byte("a\n"), false)
	if r.failed {
		t.Error("equal output failed")
	}

	r = &recorder{TB: t}
	Check(r, path, []byte("b\n"), false)
	if !r.failed || r.fatal {
		t.Errorf("differing output: failed %v fatal %v, want a non-fatal failure", r.failed, r.fatal)
	}
}
