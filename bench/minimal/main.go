// Command minimal is the ceiling for any net/http server in the load
// script: it writes one file's bytes from memory with the same headers a
// feed response carries, and answers a matching If-None-Match with 304.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	file := flag.String("file", "", "file whose bytes to serve")
	ctype := flag.String("type", "application/atom+xml; charset=utf-8", "Content-Type")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	length := strconv.Itoa(len(body))
	h := func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		hdr.Set("Content-Type", *ctype)
		hdr.Set("Content-Length", length)
		w.Write(body)
	}
	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(h), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
