package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
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
	tuneGC(os.Getenv)
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
	if os.Getenv("GOMEMLIMIT") == "" {
		go followCache(ctx, m.publisher.CacheBytes, time.Second)
	}
	// Reloads stop before Close, so none races the shutdown.
	m.AutoReload(ctx, hup, watchDebounce)
	logger.Info("shutting down")
	return m.Close()
}

// GC settings for the daemon, unless GOGC or GOMEMLIMIT say otherwise.
// tributary's live heap is small next to the roots every collection scans
// (the globals of the SQLite, HTML and feed libraries it links), so at the
// default GOGC=100 the collector runs often for little: at 100,000 requests
// a second it cost the serving path about 6%. GOGC=400 collects a quarter as
// often; the soft memory limit makes the collector work harder instead
// when the heap nears it (during a large ingest), keeping memory bounded.
const (
	gcPercent   = 400
	memoryLimit = 160 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// followCache keeps the soft memory limit at memoryLimit above the rendered
// bytes cached, until ctx is done. The cache is live heap the collector
// cannot free: a fixed limit below a full cache would make it collect
// without end, and one above an empty cache (server.render_cache is 256MiB
// by default) would let garbage pile up to it while the cache is small.
func followCache(ctx context.Context, cached func() int64, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last int64 = -1
	for {
		// Steps of 8MiB: no call per render.
		if n := cached() &^ (8<<20 - 1); n != last {
			debug.SetMemoryLimit(memoryLimit + n)
			last = n
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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
