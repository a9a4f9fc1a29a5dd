package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func newTestClient(opts ClientOptions) *Client {
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	return NewClient(opts)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestClientConditionalGet(t *testing.T) {
	const etag = `"v1"`
	const lastMod = "Fri, 01 Mar 2024 10:00:00 GMT"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		fmt.Fprint(w, "hello")
	}))
	defer srv.Close()
	c := newTestClient(ClientOptions{})

	first, err := c.Get(context.Background(), srv.URL, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != "hello" || first.ETag != etag || first.LastModified != lastMod {
		t.Fatalf("first fetch = %+v", first)
	}

	second, err := c.Get(context.Background(), srv.URL, Request{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || len(second.Body) != 0 || second.StatusCode != http.StatusNotModified {
		t.Fatalf("second fetch = %+v, want 304", second)
	}
	if second.ETag != etag || second.LastModified != lastMod {
		t.Errorf("304 validators = %q %q, want kept", second.ETag, second.LastModified)
	}
}

func TestClientHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
	}))
	defer srv.Close()

	if _, err := newTestClient(ClientOptions{UserAgent: "probe/2"}).Get(context.Background(), srv.URL, Request{}); err != nil {
		t.Fatal(err)
	}
	if ua := got.Get("User-Agent"); ua != "probe/2" {
		t.Errorf("User-Agent = %q", ua)
	}
	if ae := got.Get("Accept-Encoding"); ae != "gzip" {
		t.Errorf("Accept-Encoding = %q", ae)
	}
	for _, h := range []string{"If-None-Match", "If-Modified-Since"} {
		if _, ok := got[h]; ok {
			t.Errorf("%s sent without a validator", h)
		}
	}

	if _, err := newTestClient(ClientOptions{}).Get(context.Background(), srv.URL, Request{}); err != nil {
		t.Fatal(err)
	}
	if ua := got.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("default User-Agent = %q", ua)
	}
}

func TestClientGzip(t *testing.T) {
	small := []byte(strings.Repeat("feed ", 100))
	bomb := gzipBytes(t, make([]byte, 1<<20)) // 1 MiB of zeros, ~1 KiB on the wire
	tests := []struct {
		name    string
		body    []byte
		maxBody int64
		want    []byte
		wantErr error
	}{
		{"decoded", gzipBytes(t, small), 1 << 10, small, nil},
		{"exactly at cap", gzipBytes(t, small), int64(len(small)), small, nil},
		{"bomb", bomb, 64 << 10, nil, ErrTooLarge},
		{"compressed stream over cap", gzipBytes(t, incompressible(4096)), 1024, nil, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(tt.body)
			}))
			defer srv.Close()
			resp, err := newTestClient(ClientOptions{MaxBody: tt.maxBody}).Get(context.Background(), srv.URL, Request{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, tt.want) {
				t.Errorf("body = %q", resp.Body)
			}
		})
	}
}

// incompressible returns n bytes that gzip cannot shrink.
func incompressible(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func TestClientCorruptGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("not gzip at all"))
	}))
	defer srv.Close()
	_, err := newTestClient(ClientOptions{}).Get(context.Background(), srv.URL, Request{})
	if err == nil || !strings.Contains(err.Error(), "gzip") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("corrupt gzip: err = %v, want a gzip error naming the URL", err)
	}
}

func TestClientPlainBodyCap(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 2000)
	tests := []struct {
		name    string
		chunked bool
	}{
		{"content-length", false},
		{"chunked", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.chunked {
					w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				}
				w.Write(big[:1000])
				w.(http.Flusher).Flush()
				w.Write(big[1000:])
			}))
			defer srv.Close()
			_, err := newTestClient(ClientOptions{MaxBody: 1000}).Get(context.Background(), srv.URL, Request{})
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the URL", err)
			}
			if !strings.Contains(err.Error(), "fetch.max_body (1000 bytes)") {
				t.Errorf("error %q does not name the limit and its setting", err)
			}
		})
	}
}

// TestClientTooLargeMessage pins the wording operators see: the request, the
// limit and the setting it comes from, said once, with no "fetch" prefix
// (the scheduler and the CLI add "fetch SOURCE:").
func TestClientTooLargeMessage(t *testing.T) {
	const limit = 2 << 20
	big := bytes.Repeat([]byte("x"), limit+10)
	tests := []struct {
		name    string
		length  bool
		gzipped bool
		want    string
	}{
		{"announced", true, false, ": body of 2.0 MiB exceeds fetch.max_body (2 MiB)"},
		{"streamed", false, false, ": body exceeds fetch.max_body (2 MiB)"},
		{"gzip", false, true, ": body exceeds fetch.max_body (2 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := big
				if tt.gzipped {
					w.Header().Set("Content-Encoding", "gzip")
					body = gzipBytes(t, big)
				}
				if tt.length {
					w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				}
				w.Write(body)
			}))
			defer srv.Close()
			_, err := newTestClient(ClientOptions{MaxBody: limit}).Get(context.Background(), srv.URL+"/huge", Request{})
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if want := "GET " + srv.URL + "/huge" + tt.want; err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		10 << 20: "10 MiB", 512 << 10: "512 KiB", 1 << 30: "1 GiB", 1000: "1000 bytes",
		3<<20 + 1: "3.0 MiB", 0: "0 bytes",
	} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestClientHTTPErrors(t *testing.T) {
	retryDate := testNow.Add(2 * time.Hour)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Time
	}{
		{"429 seconds", 429, "120", testNow.Add(2 * time.Minute)},
		{"429 date", 429, retryDate.Format(http.TimeFormat), retryDate},
		{"503 seconds", 503, "30", testNow.Add(30 * time.Second)},
		{"503 no header", 503, "", time.Time{}},
		{"429 negative", 429, "-5", time.Time{}},
		{"429 garbage", 429, "soon", time.Time{}},
		{"429 past date", 429, testNow.Add(-time.Hour).Format(http.TimeFormat), time.Time{}},
		{"429 far future", 429, "99999999", testNow.Add(maxNotBefore)},
		{"429 far future date", 429, testNow.AddDate(1, 0, 0).Format(http.TimeFormat), testNow.Add(maxNotBefore)},
		{"500 ignores header", 500, "60", time.Time{}},
		{"404", 404, "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			_, err := newTestClient(ClientOptions{}).Get(context.Background(), srv.URL, Request{})
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if he.StatusCode != tt.status || he.URL != srv.URL {
				t.Errorf("HTTPError = %+v", he)
			}
			if !he.RetryAfter.Equal(tt.want) {
				t.Errorf("RetryAfter = %v, want %v", he.RetryAfter, tt.want)
			}
			if got := NotBefore(fmt.Errorf("wrapped: %w", err)); !got.Equal(tt.want) {
				t.Errorf("NotBefore = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNotBeforeOtherErrors(t *testing.T) {
	if got := NotBefore(errors.New("boom")); !got.IsZero() {
		t.Errorf("NotBefore(plain error) = %v", got)
	}
	if got := NotBefore(nil); !got.IsZero() {
		t.Errorf("NotBefore(nil) = %v", got)
	}
}

func TestClientCacheHints(t *testing.T) {
	date := func(d time.Duration) string { return testNow.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name         string
		cacheControl string
		expires      string
		want         time.Time
	}{
		{"none", "", "", time.Time{}},
		{"max-age", "public, max-age=600", "", testNow.Add(10 * time.Minute)},
		{"expires", "", date(time.Hour), testNow.Add(time.Hour)},
		{"later of both: expires", "max-age=60", date(time.Hour), testNow.Add(time.Hour)},
		{"later of both: max-age", "max-age=7200", date(time.Hour), testNow.Add(2 * time.Hour)},
		{"max-age zero", "max-age=0", "", time.Time{}},
		{"max-age negative", "max-age=-10", "", time.Time{}},
		{"max-age bogus", "max-age=abc", "", time.Time{}},
		{"expires past", "", date(-time.Hour), time.Time{}},
		{"expires bogus", "", "0", time.Time{}},
		{"far future capped", "max-age=31536000", "", testNow.Add(maxNotBefore)},
		{"far expires capped", "", date(365 * 24 * time.Hour), testNow.Add(maxNotBefore)},
		{"no-cache wins", "no-cache, max-age=600", date(time.Hour), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.cacheControl != "" {
					w.Header().Set("Cache-Control", tt.cacheControl)
				}
				if tt.expires != "" {
					w.Header().Set("Expires", tt.expires)
				}
			}))
			defer srv.Close()
			resp, err := newTestClient(ClientOptions{}).Get(context.Background(), srv.URL, Request{})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.NotBefore.Equal(tt.want) {
				t.Errorf("NotBefore = %v, want %v", resp.NotBefore, tt.want)
			}
		})
	}
}

func TestClientContextTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newTestClient(ClientOptions{}).Get(ctx, srv.URL, Request{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}

	_, err = newTestClient(ClientOptions{Timeout: 50 * time.Millisecond}).Get(context.Background(), srv.URL, Request{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Timeout option: err = %v, want deadline exceeded", err)
	}
}

func TestClientRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "moved") })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/x", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newTestClient(ClientOptions{})

	resp, err := c.Get(context.Background(), srv.URL+"/old", Request{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL != srv.URL+"/new" || string(resp.Body) != "moved" {
		t.Errorf("redirect: URL %q body %q", resp.URL, resp.Body)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/loop", Request{}); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: err = %v", err)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/ftp", Request{}); err == nil || !strings.Contains(err.Error(), `unsupported scheme "ftp"`) {
		t.Errorf("redirect to ftp: err = %v", err)
	}
}

func TestClientBadURL(t *testing.T) {
	c := newTestClient(ClientOptions{})
	for _, u := range []string{"file:///etc/passwd", "://nope", "gopher://example.org/"} {
		if _, err := c.Get(context.Background(), u, Request{}); err == nil || !strings.Contains(err.Error(), "GET "+u+":") {
			t.Errorf("Get(%q): err = %v, want an error naming the URL", u, err)
		}
	}
}

func TestResponseUTF8(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        []byte
		want        string
	}{
		{"utf-8 header", "text/html; charset=utf-8", []byte("<p>café</p>"), "<p>café</p>"},
		{"latin-1 header", "text/html; charset=ISO-8859-1", []byte("<p>caf\xe9</p>"), "<p>café</p>"},
		{"windows-1252 header", "text/html; charset=windows-1252", []byte("<p>\x80 5</p>"), "<p>€ 5</p>"},
		{"meta charset", "text/html", []byte(`<meta charset="iso-8859-1"><p>caf` + "\xe9</p>"), `<meta charset="iso-8859-1"><p>café</p>`},
		{"meta http-equiv", "", []byte(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>` + "\x93q\x94</p>"), `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>“q”</p>`},
		{"sniffed utf-8", "", []byte("<p>naïve</p>"), "<p>naïve</p>"},
		{"utf-8 bom", "", []byte("\xef\xbb\xbf<p>é</p>"), "<p>é</p>"},
		{"shift_jis header", "text/html; charset=shift_jis", []byte("\x93\xfa\x96\x7b"), "日本"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Response{Header: http.Header{"Content-Type": {tt.contentType}}, Body: tt.body}
			got, err := r.UTF8()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("UTF8() = %q, want %q", got, tt.want)
			}
		})
	}
}
