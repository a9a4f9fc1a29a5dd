//go:build unix

package files

import (
	"os"
	"syscall"
)

// openNoFollow opens path for reading, failing on a symbolic link
// (O_NOFOLLOW) and without waiting for a writer on a FIFO (O_NONBLOCK,
// which changes nothing for a regular file).
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
