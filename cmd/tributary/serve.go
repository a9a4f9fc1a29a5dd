package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"syscall"
	"time"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	drainDelay := fs.Duration("drain-delay", 0, "on SIGTERM, keep serving this long after /readyz turns 503, so balancers stop routing here first")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file` (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "on shutdown, write a heap profile to `file` (for go tool pprof)")
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	if tuneGC(os.Getenv) {
		// From the start: a large configuration is live heap too. It
		// ends with the command, whichever way it returns.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go followHeap(ctx, liveMemory, debug.SetMemoryLimit, followEvery)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Catch SIGHUP, whose default action kills the process, before the
	// slow start; one that arrives meanwhile reloads once serving.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	m := &Main{ConfigPath: fs.config, Logger: logger, DrainDelay: *drainDelay}
	if err := m.Open(ctx); err != nil {
		return err
	}
	// Reloads stop before Close, so none races the shutdown.
	m.AutoReload(ctx, hup, watchDebounce)
	logger.Info("shutting down")
	if *memProfile != "" {
		// Before Close: the profile shows what the running daemon holds.
		if err := writeHeapProfile(*memProfile); err != nil {
			logger.Error("memprofile", "err", err)
		}
	}
	return m.Close()
}

// writeHeapProfile writes the live heap, as of a collection now, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memprofile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memprofile: %w", err)
	}
	return f.Close()
}

// GC settings for the daemon, unless GOGC or GOMEMLIMIT say otherwise.
// tributary's live heap is small next to the roots every collection scans
// (the globals of the SQLite, HTML and feed libraries it links), so at the
// default GOGC=100 the collector runs often for little: at 100,000 requests
// a second it cost the serving path about 6%. GOGC=400 collects a quarter as
// often; a soft memory limit of heapHeadroom above the live heap makes the
// collector work harder instead once that much garbage has piled up, so
// garbage stays bounded however large the live heap is.
const (
	gcPercent    = 400
	heapHeadroom = 160 << 20
	followEvery  = 250 * time.Millisecond
)

// tuneGC applies them, and reports whether the memory limit is tributary's
// to keep following (followHeap) rather than GOMEMLIMIT's.
func tuneGC(getenv func(string) string) (followLimit bool) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetMemoryLimit(heapHeadroom)
	return true
}

// followHeap keeps the soft memory limit at heapHeadroom above the memory
// the collector cannot free, until ctx is done. That memory (the rendered
// feeds cached, the compiled configuration: tens of thousands of sources
// make hundreds of MiB; goroutine stacks and the runtime's own) counts
// against the limit: a fixed limit below it would make the collector run
// without end (at 50,000 sources that took half the CPU of an ingest), and a
// fixed limit far above it would let garbage pile up.
func followHeap(ctx context.Context, live func() uint64, setLimit func(int64) int64, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last int64 = -1
	for {
		// Steps of 8MiB: no call for every small change.
		if n := int64(live()+heapHeadroom) &^ (8<<20 - 1); n != last {
			setLimit(n)
			last = n
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// liveMemory is what of the memory the soft limit counts no collection
// can free: the heap marked live by the last collection, and all the
// runtime holds besides the heap (stacks, metadata, buffers).
func liveMemory() uint64 {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	var v [6]uint64
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		v[i] = s[i].Value.Uint64()
	}
	live, total := v[0], v[1]
	heap := v[2] + v[3] + v[4] + v[5]
	if heap > total {
		return live
	}
	return live + total - heap
}

// startCPUProfile profiles until the returned function is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
