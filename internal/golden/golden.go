// Package golden compares test output with a golden file in testdata, the
// one check the parser packages' golden tests share. Each test package keeps
// its own -update flag (flags are per test binary) and passes its value.
package golden

import (
	"bytes"
	"os"
	"testing"
)

// Check fails t unless got equals the file at path byte for byte. With
// update set it first writes got to path, so a changed output is accepted
// by running the tests with -update and reviewing the diff.
func Check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept it):\n%s", path, got)
	}
}
