package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700::6810:84e5", true},
		{"::ffff:93.184.216.34", true},
		{"127.0.0.1", false},
		{"127.0.0.2", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // CGNAT
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"255.255.255.255", false},
		{"240.0.0.1", false},
		{"::", false},
		{"::1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.2", false},
		{"::ffff:10.0.0.1", false},
		{"::127.0.0.1", false},       // IPv4-compatible
		{"64:ff9b::7f00:1", false},   // NAT64 of 127.0.0.1
		{"64:ff9b::5db8:d822", true}, // NAT64 of a public address
		{"2002:7f00:1::1", false},    // 6to4 of 127.0.0.1
		{"2002:5db8:d822::1", true},  // 6to4 of a public address
		{"fec0::1", false},           // site-local
	}
	for _, tt := range tests {
		if got := Public(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestNumericHost(t *testing.T) {
	tests := []struct {
		host string
		want string // "" when not numeric
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"2130706434", "127.0.0.2"},
		{"0x7f000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"10.0x10.1", "10.16.0.1"},
		{"3232235777", "192.168.1.1"},
		{"::1", "::1"},
		{"::ffff:127.0.0.2", "::ffff:127.0.0.2"},
		{"example.org", ""},
		{"1.2.3.4.5", ""},
		{"256.0.0.1", ""},
		{"4294967296", ""},
		{"1.2.65536", ""},
		{"08.1.1.1", ""}, // not octal
		{"", ""},
		{"1e3", ""},
	}
	for _, tt := range tests {
		a, ok := numericHost(tt.host)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("numericHost(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

// privateServer listens on 127.0.0.2, which only a trusted request or
// AllowPrivate may reach, and counts its requests.
func privateServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	hits := new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "internal")
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestGetPageGuard(t *testing.T) {
	priv, hits := privateServer(t)
	_, port, _ := net.SplitHostPort(priv.Listener.Addr().String())
	// pub stands for the source's own (trusted) host; its redirects lead
	// to the private server.
	pub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, priv.URL+"/secret", http.StatusFound)
			return
		}
		fmt.Fprint(w, "own host")
	}))
	defer pub.Close()
	site := pub.URL + "/feed.xml"

	tests := []struct {
		name, link, site string
		allow            bool
		want             string // body, or "" for a refusal
	}{
		{"private page", priv.URL + "/secret", site, false, ""},
		{"v4-mapped", "http://[::ffff:127.0.0.2]:" + port + "/secret", site, false, ""},
		{"decimal", "http://2130706434:" + port + "/secret", site, false, ""},
		{"IPv6 loopback", "http://[::1]:" + port + "/secret", site, false, ""},
		{"own host redirecting inside", pub.URL + "/hop", site, false, ""},
		{"own host", pub.URL + "/page", site, false, "own host"},
		{"private host is the site", priv.URL + "/secret", priv.URL + "/feed", false, "internal"},
		{"allow_private", priv.URL + "/secret", site, true, "internal"},
		{"allow_private, redirect", pub.URL + "/hop", site, true, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hits.Load()
			c := NewClient(ClientOptions{AllowPrivate: tt.allow})
			resp, err := c.GetPage(context.Background(), tt.link, tt.site)
			if tt.want == "" {
				if !errors.Is(err, ErrPrivateAddress) {
					t.Fatalf("err = %v, want ErrPrivateAddress", err)
				}
				if msg := err.Error(); !strings.HasSuffix(msg, ": refused: private address") || strings.Contains(msg, "dial") {
					t.Errorf("error says more than the refusal: %q", msg)
				}
				if n := hits.Load() - before; n != 0 {
					t.Errorf("private server reached %d times", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tt.want {
				t.Errorf("body %q, want %q", resp.Body, tt.want)
			}
		})
	}
}

// TestGetTrustsConfiguredHost: a configured source URL may be private (the
// operator's choice), but its redirects to another private host may not.
func TestGetTrustsConfiguredHost(t *testing.T) {
	priv, hits := privateServer(t)
	c := NewClient(ClientOptions{})
	resp, err := c.Get(context.Background(), priv.URL+"/feed", Request{})
	if err != nil || string(resp.Body) != "internal" {
		t.Fatalf("configured private URL: %v", err)
	}
	pub := httptest.NewServer(http.RedirectHandler(priv.URL+"/feed", http.StatusMovedPermanently))
	defer pub.Close()
	before := hits.Load()
	if _, err := c.Get(context.Background(), pub.URL, Request{}); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("redirect to another private host: err = %v", err)
	}
	if hits.Load() != before {
		t.Error("the redirect reached the private host")
	}
}

// TestGuardThroughProxy: when a proxy connects for us, the guard resolves
// the name itself and refuses private answers.
func TestGuardThroughProxy(t *testing.T) {
	proxied := 0
	g := newGuard(false)
	g.proxy = func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy.invalid:3128") }
	g.lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "rebind.example" {
			return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.1")}, nil
		}
		return nil, fmt.Errorf("unexpected lookup of %s", host)
	}
	g.open = roundTripFunc(func(*http.Request) (*http.Response, error) {
		proxied++
		return nil, errors.New("proxied")
	})
	req := httptest.NewRequest(http.MethodGet, "http://rebind.example/x", nil)
	if _, err := g.RoundTrip(req); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("err = %v, want ErrPrivateAddress", err)
	}
	if proxied != 0 {
		t.Error("request sent to the proxy")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRedirectHops: five redirects are followed, a sixth is not.
func TestRedirectHops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/"), "%d", &n)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/%d", n-1), http.StatusFound)
			return
		}
		fmt.Fprint(w, "end")
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{})
	if _, err := c.Get(context.Background(), srv.URL+"/5", Request{}); err != nil {
		t.Errorf("5 hops: %v", err)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/6", Request{}); err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("6 hops: err = %v", err)
	}
}

// TestNoBanners: bytes another service sends instead of HTTP never reach
// the error text.
func TestNoBanners(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprint(c, "SSH-2.0-OpenSSH_9.6 internal-build-42\r\n")
			c.Close()
		}
	}()
	_, err = NewClient(ClientOptions{}).Get(context.Background(), "http://"+ln.Addr().String()+"/", Request{})
	if err == nil || strings.Contains(err.Error(), "SSH") || strings.Contains(err.Error(), "internal-build") {
		t.Errorf("err = %v", err)
	}
}
