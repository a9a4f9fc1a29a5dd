// Command minimal is the ceiling for any net/http server in the load
// script: it writes one file's bytes from memory, with the response headers
// given on the command line (the load script passes the ones tributary sends,
// so both put the same bytes on the wire), and answers a matching
// If-None-Match with 304. It does nothing else: no routing, no negotiation,
// no metrics.
package main

import (
	"errors"
	"flag"
	"log"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
)

// headerFlags collects repeated -header "Name: value" flags.
type headerFlags http.Header

func (h headerFlags) String() string { return "" }

func (h headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok {
		return errors.New(`want "Name: value"`)
	}
	http.Header(h).Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name)), strings.TrimSpace(value))
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	file := flag.String("file", "", "file whose bytes to serve")
	timeouts := flag.Bool("timeouts", false, "use tributary's http.Server timeouts (write and idle, besides ReadHeaderTimeout)")
	headers := headerFlags{}
	flag.Var(headers, "header", "response header `Name: value` (repeatable); ETag is required")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	etag := http.Header(headers).Get("Etag")
	if etag == "" {
		log.Fatal("minimal: -header 'ETag: ...' is required")
	}
	length := []string{strconv.Itoa(len(body))}
	// Headers every response carries, and those only a 200 carries.
	common, full := http.Header{}, http.Header{}
	for k, v := range headers {
		switch k {
		case "Content-Type", "Content-Length", "Content-Encoding":
			full[k] = v
		default:
			common[k] = v
		}
	}
	h := func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		for k, v := range common {
			hdr[k] = v
		}
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		for k, v := range full {
			hdr[k] = v
		}
		hdr["Content-Length"] = length
		w.Write(body)
	}
	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(h), ReadHeaderTimeout: 5 * time.Second}
	if *timeouts {
		// The same values as server.NewHTTPServer: each costs a deadline
		// per request, which is server configuration, not handler work.
		srv.WriteTimeout, srv.IdleTimeout = 60*time.Second, 120*time.Second
		srv.MaxHeaderBytes = 64 << 10
	}
	log.Fatal(srv.ListenAndServe())
}
