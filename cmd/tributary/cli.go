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
	"github.com/tributaryfeeds/tributary/sources/build"
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
		// Errors may quote a config file's URLs or upstream text.
		fmt.Fprintf(stderr, "tributary %s: %s\n", cmd, terminalSafe(redactURLs(err.Error())))
		return exitError
	}
}

func versionString() string {
	return fmt.Sprintf("tributary %s (%s)", version, runtime.Version())
}

// flagSet is a FlagSet that reports errors as usage errors instead of
// exiting, so run decides the exit code, and that takes flags before,
// between and after positional arguments.
type flagSet struct {
	*flag.FlagSet
	stderr      io.Writer
	config      string
	showVersion bool
	args        []string // positional arguments, in order
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), stderr: stderr}
	// run prints parse errors and parse prints help, both with the command
	// list; the flag package's own output would say them a second time.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&fs.config, "config", "config.yaml", "configuration `file`")
	fs.BoolVar(&fs.showVersion, "version", false, "print the version and exit")
	return fs
}

// parse parses args and turns flag errors into usage errors. Unlike
// flag.Parse it does not stop at the first positional argument ("fetch
// wire -config x.yaml"); only "--" ends the flags.
func (fs *flagSet) parse(args []string, stdout io.Writer) error {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.help()
				return err
			}
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.FlagSet.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			fs.args = append(fs.args, rest...)
			break
		}
		fs.args = append(fs.args, rest[0])
		args = rest[1:]
	}
	if fs.showVersion {
		fmt.Fprintln(stdout, versionString())
		return flag.ErrHelp
	}
	return nil
}

// help prints the command list, then the flags of this command.
func (fs *flagSet) help() {
	fmt.Fprintf(fs.stderr, "%s\nFlags of tributary %s:\n", usage, fs.Name())
	fs.SetOutput(fs.stderr)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// Args returns the positional arguments, wherever they were among flags.
func (fs *flagSet) Args() []string { return fs.args }

// NArg is the number of positional arguments.
func (fs *flagSet) NArg() int { return len(fs.args) }

// Arg returns the i'th positional argument, or "" if there is none.
func (fs *flagSet) Arg(i int) string {
	if i < 0 || i >= len(fs.args) {
		return ""
	}
	return fs.args[i]
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
	// URLs as the daemon shows them: a source URL may carry an api key.
	fmt.Fprint(stdout, redactURLs(cfg.Summary()))
	// Warnings come last, where they are seen: a valid file can still be
	// a mistake (an unset ${VAR} expands to nothing).
	warnings := cfg.Warnings
	if w := build.BrowserWarning(cfg); w != "" {
		warnings = append(warnings, w)
	}
	if len(warnings) > 0 {
		fmt.Fprintln(stdout)
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %s\n", redactURLs(w))
	}
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
