package imap

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

const (
	testUser     = "feeds@example.net"
	testPassword = "s3cret-Pa55word"
)

// testServer is a real IMAP server (go-imap's, with its in-memory
// backend) on a loopback port.
type testServer struct {
	addr string
	user *imapmemserver.User
	// cert is set when the server speaks TLS (implicit or STARTTLS); roots
	// trusts it.
	roots *x509.CertPool
	// commands records every command line the server received.
	mu       sync.Mutex
	commands []string
}

type serverMode int

const (
	plainServer serverMode = iota
	tlsServer
	startTLSServer
)

func newTestServer(t *testing.T, mode serverMode) *testServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(testUser, testPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	if err := user.Create("Newsletters", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	ts := &testServer{user: user}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: mode == plainServer,
		DebugWriter:  commandLog{ts},
	}
	var tlsConf *tls.Config
	if mode != plainServer {
		tlsConf, ts.roots = testCert(t)
		opts.TLSConfig = tlsConf
	}
	srv := imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode == tlsServer {
		ln = tls.NewListener(ln, tlsConf)
	}
	ts.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ts
}

// commandLog keeps the client's command lines (tagged lines), for the
// read-only checks.
type commandLog struct{ ts *testServer }

func (c commandLog) Write(p []byte) (int, error) {
	c.ts.mu.Lock()
	defer c.ts.mu.Unlock()
	for _, line := range strings.Split(string(p), "\r\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] != "*" && f[0] != "+" {
			c.ts.commands = append(c.ts.commands, strings.ToUpper(strings.Join(f[1:], " ")))
		}
	}
	return len(p), nil
}

func (ts *testServer) sawCommand(prefix string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, c := range ts.commands {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// deliver appends a testdata message (or raw text) to a folder, received at
// t.
func (ts *testServer) deliver(tb testing.TB, folder string, raw []byte, received time.Time) imap.UID {
	tb.Helper()
	raw = bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	data, err := ts.user.Append(folder, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: received})
	if err != nil {
		tb.Fatal(err)
	}
	return data.UID
}

type literal struct {
	*bytes.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

// testCert makes a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tributary test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}
