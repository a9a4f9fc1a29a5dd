package main

import (
	"fmt"
	"io"
	"os"
	"strings"

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
		return opml.Export(stdout, "tributary feeds", Outlines(cfg))
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: opml import takes one FILE (- for standard input)", errUsage)
		}
		return importOPML(fs.Arg(0), stdin, stdout)
	}
	return fmt.Errorf("%w: unknown opml command %q", errUsage, sub)
}

// Outlines lists cfg's published feeds as OPML outlines, the same list the
// server's /opml serves.
func Outlines(cfg *config.Config) []opml.Outline {
	base := strings.TrimSuffix(cfg.Server.BaseURL, "/")
	out := make([]opml.Outline, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		out[i] = opml.Outline{
			Title:   f.Title,
			XMLURL:  base + "/feeds/" + f.Slug + ".atom",
			HTMLURL: base + "/",
			Type:    "rss",
		}
	}
	return out
}

func importOPML(path string, stdin io.Reader, stdout io.Writer) error {
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
	y, err := opml.SourcesYAML(outlines)
	if err != nil {
		return err
	}
	_, err = stdout.Write(y)
	return err
}
