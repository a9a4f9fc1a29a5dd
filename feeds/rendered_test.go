package feeds

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
)

func TestNewRendered(t *testing.T) {
	body := []byte(strings.Repeat("<item>news</item>\n", 50))
	v := validators{tag: "0123456789abcdef0123456789abcdef", lastModified: fixtureTime.Add(time.Second)}
	r, err := newRendered(body, RSS, v, "public, max-age=60")
	if err != nil {
		t.Fatal(err)
	}
	if r.ETag != `"`+v.tag+`"` {
		t.Errorf("ETag %q, want the validators' tag quoted", r.ETag)
	}
	// RFC 9110 8.8.3: a strong validator differs between content codings.
	if want := r.ETag[:33] + `-gz"`; r.GzipETag != want {
		t.Errorf("GzipETag %q, want %q", r.GzipETag, want)
	}
	if r.LastModifiedHTTP != "Sun, 10 Mar 2024 12:00:01 GMT" || !r.LastModified.Equal(fixtureTime.Add(time.Second)) {
		t.Errorf("Last-Modified %v / %q", r.LastModified, r.LastModifiedHTTP)
	}
	if r.ContentType != RSS.ContentType() || r.CacheControl != "public, max-age=60" {
		t.Errorf("Content-Type %q, Cache-Control %q", r.ContentType, r.CacheControl)
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, body) {
		t.Errorf("gzip body does not decode to the body (err %v)", err)
	}
	again, err := newRendered(body, RSS, v, "public, max-age=60")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Gzip, r.Gzip) {
		t.Error("the same body gave different gzip bytes")
	}
}
