//go:build unix

package files

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tributaryfeeds/tributary/sources"
)

// regularEntry is a directory entry that claims a regular file, as the
// listing did before the file was swapped.
type regularEntry struct{ name string }

func (e regularEntry) Name() string               { return e.name }
func (e regularEntry) IsDir() bool                { return false }
func (e regularEntry) Type() fs.FileMode          { return 0 }
func (e regularEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrInvalid }

// TestSwappedFileRefused: a file listed as regular but replaced, before it
// is opened, by a symbolic link to a secret or by a FIFO is refused by
// O_NOFOLLOW and the check on the opened descriptor; the secret is never
// read and the fetch never blocks.
func TestSwappedFileRefused(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	write(t, outside, "secret.txt", "Title: Root password\n\nhunter2 is the password of the server.\n")
	if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Name: "news", Dir: dir})
	for _, name := range []string{"link.txt", "pipe.txt"} {
		e := s.load(context.Background(), regularEntry{name})
		if e.item != nil || !strings.HasPrefix(e.warning, name+": ") {
			t.Errorf("%s: item %+v, warning %q", name, e.item, e.warning)
		}
		if strings.Contains(e.warning, dir) {
			t.Errorf("%s: the warning shows the server's path: %q", name, e.warning)
		}
	}
	// Listed as what they are, both are skipped with a warning too.
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 0 || len(res.Warnings) != 2 {
		t.Errorf("items %+v, warnings %q", res.Items, res.Warnings)
	}
}
