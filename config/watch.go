package config

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch calls onChange after the file at path is written, created, renamed
// or removed, once per burst of events no more than debounce apart. It
// watches the file's directory, because editors and config managers
// replace files by renaming a new one over them, which ends a watch on the
// file itself. Watch returns nil when ctx is done.
func Watch(ctx context.Context, path string, debounce time.Duration, onChange func()) error {
	return watch(ctx, path, debounce, onChange, func() {})
}

// watch is Watch with a hook called once the watch is in place, for tests.
func watch(ctx context.Context, path string, debounce time.Duration, onChange, ready func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	defer w.Close()
	dir, name := filepath.Split(filepath.Clean(path))
	if dir == "" {
		dir = "."
	}
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	ready()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if concerns(ev, name) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				return fmt.Errorf("watch %s: %w", path, err)
			}
			timer.Reset(debounce) // events were lost; one may have been ours
		case <-timer.C:
			onChange()
		}
	}
}

// concerns reports whether ev may have changed the contents of the file
// called name; a bare chmod does not. A Kubernetes ConfigMap volume updates
// its files by swapping the "..data" symlink, so that counts too.
func concerns(ev fsnotify.Event, name string) bool {
	base := filepath.Base(ev.Name)
	return (base == name || base == "..data") && ev.Op != fsnotify.Chmod
}
