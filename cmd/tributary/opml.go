package main

import (
	"fmt"
	"io"
	"os"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/opml"
)

func runOPML(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: opml needs export or import", errUsage)
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("opml "+sub, stderr)
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	switch sub {
	case "export":
		if fs.NArg() > 0 {
			return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
		}
		cfg, err := config.Load(fs.config)
		if err != nil {
			return err
		}
		return exportFeeds(stdout, cfg)
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: opml import takes one FILE (- for standard input)", errUsage)
		}
		return importOPML(fs.Arg(0), stdin, stdout, stderr)
	}
	return fmt.Errorf("%w: unknown opml command %q", errUsage, sub)
}

// exportFeeds writes cfg's published feeds as OPML: the same document the
// server's /opml serves.
func exportFeeds(w io.Writer, cfg *config.Config) error {
	list := make([]opml.Feed, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		if f.Private() {
			continue // as /opml: a private feed is in no list meant to be shared
		}
		list = append(list, opml.Feed{Slug: f.Slug, Title: f.Title})
	}
	return opml.ExportFeeds(w, cfg.Server.BaseURL, list)
}

// importOPML prints the sources block for the OPML file at path, and a
// warning on stderr for each subscription it had to leave out.
func importOPML(path string, stdin io.Reader, stdout, stderr io.Writer) error {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	outlines, err := opml.Import(r)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	y, warnings, err := opml.SourcesYAML(outlines)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	_, err = stdout.Write(y)
	return err
}
