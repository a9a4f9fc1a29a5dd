package main

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestFollowHeap: the soft memory limit stays heapHeadroom above the live
// heap as it grows and shrinks, in 8MiB steps, and is set again only when
// the step changes.
func TestFollowHeap(t *testing.T) {
	const mib = 1 << 20
	lives := []uint64{0, 3 * mib, 300 * mib, 300*mib + 1, 900 * mib, 20 * mib}
	want := []int64{160 * mib, 456 * mib, 1056 * mib, 176 * mib}

	var mu sync.Mutex
	i := 0
	live := func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		v := lives[min(i, len(lives)-1)]
		i++
		return v
	}
	var got []int64
	done := make(chan struct{})
	set := func(n int64) int64 {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, n)
		if len(got) == len(want) {
			close(done)
		}
		return 0
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		followHeap(ctx, live, set, time.Millisecond)
		close(stopped)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	cancel()
	<-stopped
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("limits set %v, want %v", got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("limit %d = %d MiB, want %d MiB", k, got[k]/mib, want[k]/mib)
		}
	}
}

// TestLiveMemory: what is held counts, and what was let go does not.
func TestLiveMemory(t *testing.T) {
	keep := make([]byte, 64<<20)
	forceGC()
	held := liveMemory()
	if held < 64<<20 {
		t.Errorf("live memory %d bytes with 64MiB held", held)
	}
	runtime.KeepAlive(keep)
	forceGC()
	if n := liveMemory(); n > held-48<<20 {
		t.Errorf("live memory %d bytes after letting 64MiB go, %d before", n, held)
	}
}

func forceGC() { runtime.GC() }
