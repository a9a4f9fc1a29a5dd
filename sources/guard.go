package sources

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// ErrPrivateAddress is returned (wrapped) when a request that the upstream
// chose (an item's page, a redirect hop) would reach a loopback, private,
// link-local, CGNAT, multicast or unspecified address. Its text is all the
// status page shows: no address, no dial error, no banner, so the daemon
// cannot be used to map the network it runs in.
var ErrPrivateAddress = errors.New("refused: private address")

// trustKey carries, in a request's context, the host name the operator
// configured for the fetch: only that host may resolve to a private
// address.
type trustKey struct{}

// withTrustedHost returns ctx marking host (a URL's host name, without
// port) as the operator's choice.
func withTrustedHost(ctx context.Context, host string) context.Context {
	return context.WithValue(ctx, trustKey{}, normalHost(host))
}

func trustedHost(ctx context.Context) string {
	h, _ := ctx.Value(trustKey{}).(string)
	return h
}

// normalHost lower-cases a host name and writes an IP literal canonically,
// so "[::FFFF:7f00:1]" and "127.0.0.1" compare as written by the resolver.
func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap().String()
	}
	return h
}

// urlHost is the normalised host name of rawURL, or "".
func urlHost(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return normalHost(u.Hostname())
}

// guard is the client's RoundTripper. A request to the trusted host of its
// context (or any request when private addresses are allowed) goes through
// open; every other one, each redirect hop included, goes through strict,
// whose dialer refuses non-public addresses after name resolution, on the
// very address it connects to (so DNS rebinding gains nothing). The two
// transports keep separate connection pools: a connection opened to a
// trusted private host is never reused for an untrusted request.
type guard struct {
	open, strict http.RoundTripper
	allowAll     bool
	// proxy is the proxy strict requests would use; through a proxy the
	// proxy resolves the name, so the guard resolves it first itself.
	proxy func(*http.Request) (*url.URL, error)
	// lookup resolves host names for the proxy case.
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

func newGuard(allowAll bool) *guard {
	return &guard{
		open:     newTransport(nil),
		strict:   newTransport(refusePrivate),
		allowAll: allowAll,
		proxy:    http.ProxyFromEnvironment,
		lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		},
	}
}

// RoundTrip implements http.RoundTripper.
func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	host := normalHost(req.URL.Hostname())
	if g.allowAll || (host != "" && host == trustedHost(req.Context())) {
		return g.open.RoundTrip(req)
	}
	if a, ok := numericHost(host); ok && !Public(a) {
		// Refused before any lookup: decimal, octal and short forms
		// ("2130706433", "0177.1") mean loopback to many resolvers.
		closeBody(req)
		return nil, ErrPrivateAddress
	}
	if p, err := g.proxy(req); err == nil && p != nil {
		if err := g.checkName(req.Context(), host); err != nil {
			closeBody(req)
			return nil, err
		}
		return g.open.RoundTrip(req)
	}
	return g.strict.RoundTrip(req)
}

// checkName resolves host and refuses it unless every address is public.
// It is the best that can be done when a proxy connects for us.
func (g *guard) checkName(ctx context.Context, host string) error {
	addrs, err := g.lookup(ctx, host)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if !Public(a) {
			return ErrPrivateAddress
		}
	}
	return nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// refusePrivate is the strict dialer's Control hook: it runs after name
// resolution, on the socket about to connect to address.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !Public(ap.Addr()) {
		return ErrPrivateAddress
	}
	return nil
}

// nonPublic lists the ranges Public refuses beyond what netip classifies.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // CGNAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("::/96"),          // IPv4-compatible (deprecated)
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("fec0::/10"),      // site-local (deprecated)
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("fc00::/7"),       // unique local
	netip.MustParsePrefix("169.254.0.0/16"), // link-local (also below)
	netip.MustParsePrefix("255.255.255.255/32"),
}

// Prefixes that embed an IPv4 address in an IPv6 one.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// Public reports whether a is a global unicast address: not loopback,
// private (RFC 1918, unique local), link-local, CGNAT, multicast,
// unspecified or reserved. IPv4 embedded in IPv6 (mapped, NAT64, 6to4) is
// judged by its IPv4 address.
func Public(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return Public(netip.AddrFrom4([4]byte(b[12:16])))
		case sixTo4.Contains(a):
			return Public(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() ||
		a.IsLinkLocalUnicast() || a.IsMulticast() || !a.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// numericHost reads host as an IP address, including the IPv4 forms that
// inet_aton accepts and URL parsers in browsers normalise: one to four
// parts, each decimal, octal (leading 0) or hex (0x), the last filling the
// remaining bytes ("2130706433", "0x7f.1", "127.1").
func numericHost(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a, true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, p = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
