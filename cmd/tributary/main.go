// Command tributary ingests article sources on a schedule, merges them and
// publishes RSS 2.0, Atom 1.0 and JSON Feed 1.1 over HTTP.
//
// Usage:
//
//	tributary [serve] [-config config.yaml]
//	tributary check [-config config.yaml]
//	tributary fetch [-config config.yaml] SOURCE
//	tributary opml export [-config config.yaml]
//	tributary opml import FILE.opml
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// Embedded zoneinfo, so sources[].timezone works in bare containers.
	_ "time/tzdata"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
