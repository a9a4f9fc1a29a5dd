package push

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // WebSub subscribers may be sent sha1 signatures; we verify them, never sign with them
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// maxResponse bounds what is read of a response to a delivery or a
// verification: a challenge echo is short, the rest is discarded.
const maxResponse = 64 << 10

// outbound posts deliveries and verifications with a timeout, no
// redirects and, when guarded, no connection to a private address.
type outbound struct {
	hc        *http.Client
	userAgent string
}

func newOutbound(timeout time.Duration, userAgent string, guarded bool) *outbound {
	d := &net.Dialer{Timeout: timeout}
	if guarded {
		// The check runs after DNS resolution, on the address actually
		// dialled, so a name that resolves to a private address (or
		// changes its answer) cannot slip through.
		d.Control = func(_, address string, _ syscall.RawConn) error {
			return checkPublic(address)
		}
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us, past the guard
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	return &outbound{
		hc: &http.Client{
			Transport: tr,
			Timeout:   timeout,
			// A delivery goes where it was asked to go: a redirect could
			// turn a POST into a GET elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: userAgent,
	}
}

// errPrivate is returned for a connection to a non-public address.
var errPrivate = errors.New("address is not public")

// checkPublic refuses loopback, private, link-local, unspecified, multicast
// and shared (CGNAT) addresses.
func checkPublic(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("dial: %w", errPrivate)
	}
	if !isPublic(ip) {
		return fmt.Errorf("dial: %w", errPrivate)
	}
	return nil
}

// isPublic is the sources package's rule, so that fetches and pushes
// refuse the same addresses.
func isPublic(ip netip.Addr) bool { return sources.Public(ip) }

// response is what is kept of an answer.
type response struct {
	status int
	body   []byte // at most maxResponse bytes
}

// do sends a request and reads a bounded part of the answer. Errors never
// carry the URL: callbacks hold tokens.
func (o *outbound) do(ctx context.Context, method, target string, header http.Header, body []byte) (response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return response{}, errors.New("invalid URL")
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return response{}, fmt.Errorf("unsupported scheme %q", s)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", o.userAgent)
	resp, err := o.hc.Do(req)
	if err != nil {
		return response{}, stripURL(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return response{status: resp.StatusCode}, stripURL(err)
	}
	return response{status: resp.StatusCode, body: b}, nil
}

// stripURL drops the URL that *url.Error quotes.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// sign returns "sha256=HEX", the HMAC-SHA256 of body under secret.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// verifySignature checks an X-Hub-Signature value (sha1, sha256, sha384 or
// sha512, as WebSub allows) against body.
func verifySignature(secret, header string, body []byte) bool {
	method, sig, ok := strings.Cut(header, "=")
	if !ok {
		return false
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return false
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	return hmac.Equal(m.Sum(nil), want)
}
