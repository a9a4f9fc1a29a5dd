package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"

	"github.com/tributaryfeeds/tributary/config"
)

// Exit codes, as SPEC.md section 2 defines them.
const (
	exitOK    = 0
	exitError = 1 // config or input error, failed fetch
	exitUsage = 2
)

// errUsage marks an error the user fixes by reading -h.
var errUsage = errors.New("usage")

const usage = `Usage:
  tributary [serve] [-config config.yaml] [-log-format text|json] [-log-level info]
  tributary check [-config config.yaml]
  tributary fetch [-config config.yaml] SOURCE
  tributary opml export [-config config.yaml]
  tributary opml import FILE.opml
  tributary -version
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, args, stdout, stderr)
	case "check":
		err = runCheck(args, stdout, stderr)
	case "fetch":
		err = runFetch(ctx, args, stdout, stderr)
	case "opml":
		err = runOPML(args, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
	case "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "tributary: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "tributary %s: %v\n\n%s", cmd, err, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "tributary %s: %v\n", cmd, err)
		return exitError
	}
}

func versionString() string {
	return fmt.Sprintf("tributary %s (%s)", version, runtime.Version())
}

// flagSet is a FlagSet that reports errors as usage errors instead of
// exiting, so run decides the exit code.
type flagSet struct {
	*flag.FlagSet
	config      string
	showVersion bool
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(stderr)
	fs.StringVar(&fs.config, "config", "config.yaml", "configuration `file`")
	fs.BoolVar(&fs.showVersion, "version", false, "print the version and exit")
	return fs
}

// parse parses args and turns flag errors into usage errors.
func (fs *flagSet) parse(args []string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.showVersion {
		fmt.Fprintln(stdout, versionString())
		return flag.ErrHelp
	}
	return nil
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", stderr)
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := config.Load(fs.config)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, cfg.Summary())
	return nil
}

// newLogger builds the process logger from -log-format and -log-level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: -log-level: %v", errUsage, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("%w: -log-format must be text or json, not %q", errUsage, format)
}
