package feeds

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
)

// newRendered wraps a body with what the server sends beside it. The
// validators come from the data the body was rendered from (see
// validatorsOf), not from the body, so that they are known before it is.
func newRendered(body []byte, f Format, v validators, cacheControl string) (*Rendered, error) {
	gz, err := gzipBytes(body)
	if err != nil {
		return nil, err
	}
	return &Rendered{
		Body:             body,
		Gzip:             gz,
		ETag:             `"` + v.tag + `"`,
		GzipETag:         `"` + v.tag + `-gz"`,
		LastModified:     v.lastModified,
		LastModifiedHTTP: v.lastModified.Format(http.TimeFormat),
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
