package feed

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/sources"
)

// secretURL puts a password and an API key into a feed URL on addr.
func secretURL(addr string) string {
	return "http://user:s3cret@" + addr + "/feed?apikey=TOPSECRET&page=2"
}

// TestErrorsHideSecrets: error texts reach logs and the public status page,
// so no failure may spell out the password or the key.
func TestErrorsHideSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(handle))
	defer srv.Close()

	// A port that refuses connections: listen, note the address, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()

	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name, url, want string
	}{
		{"connection refused", secretURL(refused), "refused"},
		{"500", secretURL(host) + "&status=500", "500"},
		{"429", secretURL(host) + "&status=429", "429"},
		{"body too large", secretURL(host) + "&status=big", "exceeds fetch.max_body (1 KiB)"},
		{"parse error", secretURL(host) + "&status=garbage", "parse feed"},
		{"redirect loop", secretURL(host) + "&status=loop", "redirects"},
	}
	client := sources.NewClient(sources.ClientOptions{MaxBody: 1024})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Options{URL: tt.url, Client: client}).Fetch(context.Background(), sources.Request{})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, secret := range []string{"s3cret", "TOPSECRET"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks %q: %s", secret, msg)
				}
			}
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "apikey=***") {
				t.Errorf("error %q lacks %q or the redacted URL", msg, tt.want)
			}
		})
	}
}

// handle answers each case named by the status parameter.
func handle(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("status") {
	case "500":
		http.Error(w, "boom", http.StatusInternalServerError)
	case "429":
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case "big":
		w.Write([]byte(strings.Repeat("x", 4096)))
	case "garbage":
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("this is not a feed"))
	case "loop":
		http.Redirect(w, r, r.URL.String(), http.StatusFound)
	}
}
