package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
)

// TestOverNetwork checks what only a real net/http server shows: HEAD keeps
// our Content-Length, and a 304 goes out without a body or length.
func TestOverNetwork(t *testing.T) {
	fx := newFixture(t, "")
	ts := httptest.NewServer(fx.srv)
	defer ts.Close()
	rd := fx.feeds.Get("world", feeds.RSS)

	resp, err := ts.Client().Head(ts.URL + "/feeds/world.rss")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(rd.Body)) {
		t.Fatalf("HEAD: %d, Content-Length %d, want %d", resp.StatusCode, resp.ContentLength, len(rd.Body))
	}

	// The default transport asks for gzip, so the 304 carries the gzip tag.
	req, _ := http.NewRequest("GET", ts.URL+"/feeds/world.rss", nil)
	req.Header.Set("If-None-Match", rd.ETag)
	resp, err = ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("Etag") != rd.GzipETag {
		t.Fatalf("304: %d, %d bytes, ETag %q, want %q", resp.StatusCode, len(body), resp.Header.Get("Etag"), rd.GzipETag)
	}

	// The default transport asks for gzip and decodes it transparently.
	resp, err = ts.Client().Get(ts.URL + "/feeds/world.rss")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !resp.Uncompressed || string(body) != string(rd.Body) {
		t.Fatalf("gzip: uncompressed=%v, body equal=%v", resp.Uncompressed, string(body) == string(rd.Body))
	}
}

func TestNewHTTPServer(t *testing.T) {
	h := http.NotFoundHandler()
	s := NewHTTPServer("127.0.0.1:0", h)
	if s.Addr != "127.0.0.1:0" || s.ReadHeaderTimeout != 5*time.Second || s.ReadTimeout != 0 ||
		s.WriteTimeout != 60*time.Second || s.IdleTimeout != 120*time.Second || s.MaxHeaderBytes != 64<<10 {
		t.Fatalf("unexpected server settings: %+v", s)
	}
}

// TestBodyClosesConnection: no route reads a request body, and the server
// sets no ReadTimeout, so a request with one must not leave net/http
// draining it on a kept-alive connection.
func TestBodyClosesConnection(t *testing.T) {
	srv := httptest.NewServer(New(Options{Feeds: newFakeFeeds(t)}))
	defer srv.Close()
	for _, tc := range []struct {
		body      io.Reader
		wantClose bool
	}{
		{nil, false},
		{strings.NewReader("x=1"), true},
	} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/healthz", tc.body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Close != tc.wantClose {
			t.Errorf("body %v: response closes connection = %v, want %v", tc.body != nil, resp.Close, tc.wantClose)
		}
	}
}
