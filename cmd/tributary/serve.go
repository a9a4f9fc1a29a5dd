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
	raiseMemoryLimit(os.Getenv, int64(m.cfg.Server.RenderCache))
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

// raiseMemoryLimit adds the render cache's bound to the soft memory limit
// (unless GOMEMLIMIT says otherwise): the cache is live heap the collector
// cannot free, and a limit below it would make it collect without end.
func raiseMemoryLimit(getenv func(string) string, cache int64) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit + cache)
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
