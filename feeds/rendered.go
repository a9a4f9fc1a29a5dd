package feeds

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// newRendered wraps a body with what the server sends beside it.
func newRendered(body []byte, f Format, updated time.Time, cacheControl string) (*Rendered, error) {
	gz, err := gzipBytes(body)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	lm := updated.UTC().Truncate(time.Second)
	return &Rendered{
		Body:             body,
		Gzip:             gz,
		ETag:             `"` + tag + `"`,
		GzipETag:         `"` + tag + `-gz"`,
		LastModified:     lm,
		LastModifiedHTTP: lm.Format(http.TimeFormat),
		ContentType:      f.ContentType(),
		CacheControl:     cacheControl,
	}, nil
}

// gzipBytes compresses once at render time; the gzip header carries no name
// or time, so the same body always gives the same bytes.
func gzipBytes(body []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return b.Bytes(), nil
}

// sameAs reports whether r can be kept instead of a new render.
func (r *Rendered) sameAs(body []byte, cacheControl string) bool {
	return r != nil && r.CacheControl == cacheControl && bytes.Equal(r.Body, body)
}
