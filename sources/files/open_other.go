//go:build !unix

package files

import "os"

// openNoFollow opens path for reading. Without O_NOFOLLOW the descriptor
// check in load (a regular file) is the only guard.
func openNoFollow(path string) (*os.File, error) {
	return os.Open(path)
}
