package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/limit"
	"github.com/tributaryfeeds/tributary/sources"
	headless "github.com/tributaryfeeds/tributary/sources/browser"
	"github.com/tributaryfeeds/tributary/sources/build"
)

// runFetch fetches one source with the real code path and prints what it
// would store, storing nothing: the operator's tool while writing selectors.
func runFetch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fetch", stderr)
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: fetch takes exactly one SOURCE name", errUsage)
	}
	name := fs.Arg(0)
	cfg, err := config.Load(fs.config)
	if err != nil {
		return err
	}
	src, ok := cfg.Source(name)
	if !ok {
		return fmt.Errorf("no source named %q in %s", name, fs.config)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env := build.Env{Client: build.Client(cfg, limit.NewHosts(cfg.Fetch.PerHost)), Logger: logger}
	if src.Compiled.Browser != nil {
		env.Browser = headless.New(build.BrowserOptions(cfg, logger))
		defer env.Browser.Close()
	}
	s, err := build.SourceIn(*src, env)
	if err != nil {
		return err
	}
	res, err := s.Fetch(ctx, sources.Request{})
	if err != nil {
		if pe := (*sources.PageError)(nil); errors.As(err, &pe) {
			printPages(stdout, []sources.PageMatches{pe.Page})
		}
		return fmt.Errorf("fetch %s: %w", name, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", oneLine(sources.Clip(w, 1<<10)))
	}
	printPages(stdout, res.Pages)
	printItems(stdout, res.Items)
	if len(res.Items) == 0 {
		return fmt.Errorf("fetch %s: no items", name)
	}
	return nil
}

// printPages shows, for each page of a listing read, how many items each
// selector matched in: the selector that broke is the one at 0.
func printPages(w io.Writer, pages []sources.PageMatches) {
	for i, p := range pages {
		counts := make([]string, len(p.Matches))
		for j, m := range p.Matches {
			counts[j] = fmt.Sprintf("%s %d", m.Selector, m.Count)
		}
		fmt.Fprintf(w, "page %d: %s\n   matched: %s\n", i+1, p.URL, strings.Join(counts, ", "))
	}
	if len(pages) > 0 {
		fmt.Fprintln(w)
	}
}

func printItems(w io.Writer, items []sources.Item) {
	for i, it := range items {
		date := "(no date: first-seen time)"
		if d := it.Date(); !d.IsZero() {
			date = d.Format(time.RFC3339)
		}
		// Every field is upstream text: nothing in it may drive the
		// terminal (see terminalSafe).
		fmt.Fprintf(w, "%d. %s\n   date:   %s\n   link:   %s\n", i+1, orNone(oneLine(it.Title)), date, orNone(oneLine(it.Link)))
		if len(it.Authors) > 0 {
			names := make([]string, len(it.Authors))
			for j, a := range it.Authors {
				names[j] = a.Name
				if a.Email != "" {
					names[j] += " <" + a.Email + ">"
				}
			}
			fmt.Fprintf(w, "   author: %s\n", oneLine(strings.Join(names, ", ")))
		}
		body := it.Content
		if body == "" {
			body = it.Summary
		}
		if text := firstWords(body, 30); text != "" {
			fmt.Fprintf(w, "   text:   %s\n", oneLine(text))
		}
	}
	fmt.Fprintf(w, "%d items\n", len(items))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// firstWords returns the first n words of the text of an HTML fragment.
func firstWords(fragment string, n int) string {
	words := strings.Fields(sources.PlainText(fragment))
	if len(words) > n {
		words = words[:n]
	}
	return strings.Join(words, " ")
}
