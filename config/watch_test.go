package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changed := make(chan struct{}, 16)
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- watch(ctx, file, 20*time.Millisecond, func() { changed <- struct{}{} }, func() { close(ready) })
	}()
	<-ready

	// A plain write is seen.
	write(t, file, "a: 2\n")
	waitChange(t, changed, "a write")

	// An editor-style replace: write a temp file, rename it over the config.
	tmp := filepath.Join(dir, ".config.yaml.swp")
	write(t, tmp, "a: 3\n")
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	waitChange(t, changed, "a rename over the file")

	// The watch survives the rename: a later write is still seen.
	write(t, file, "a: 4\n")
	waitChange(t, changed, "a write after the rename")

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Watch returned %v after cancel", err)
	}
}

// waitChange fails the test instead of hanging when no call comes.
func waitChange(t *testing.T, changed <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatalf("no onChange after %s", what)
	}
}

func TestConcerns(t *testing.T) {
	tests := []struct {
		ev   fsnotify.Event
		want bool
	}{
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Write}, true},
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Create}, true},
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Rename}, true},
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Remove}, true},
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Write | fsnotify.Chmod}, true},
		{fsnotify.Event{Name: "/etc/t/config.yaml", Op: fsnotify.Chmod}, false},
		{fsnotify.Event{Name: "/etc/t/config.yaml.swp", Op: fsnotify.Write}, false},
		{fsnotify.Event{Name: "/etc/t/other.yaml", Op: fsnotify.Create}, false},
		{fsnotify.Event{Name: "/etc/t/..data", Op: fsnotify.Create}, true},
		{fsnotify.Event{Name: "/etc/t/..data_tmp", Op: fsnotify.Rename}, false},
	}
	for _, tt := range tests {
		if got := concerns(tt.ev, "config.yaml"); got != tt.want {
			t.Errorf("concerns(%v) = %v, want %v", tt.ev, got, tt.want)
		}
	}
}

func TestWatchMissingDir(t *testing.T) {
	err := Watch(context.Background(), filepath.Join(t.TempDir(), "nope", "c.yaml"), time.Millisecond, func() {})
	if err == nil {
		t.Error("Watch on a missing directory succeeded")
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
