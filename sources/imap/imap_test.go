package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/tributaryfeeds/tributary/sources"
)

// deliverAll puts every testdata message into folder, received within the
// last days, and one message from long before the since window.
func deliverAll(t *testing.T, ts *testServer, folder string) {
	t.Helper()
	files, _ := filepath.Glob("testdata/*.eml")
	for i, f := range files {
		ts.deliver(t, folder, readMessage(t, filepath.Base(f)), testNow.Add(-time.Duration(len(files)-i)*24*time.Hour))
	}
}

const oldMessage = "From: news@example.org\r\nSubject: Last year's issue\r\nMessage-ID: <old@example.org>\r\nDate: Mon, 03 Nov 2025 08:00:00 +0000\r\n\r\nOld.\r\n"

func newSource(t *testing.T, ts *testServer, opts Options) *Source {
	t.Helper()
	if opts.URL == "" {
		opts.URL = "imap://" + ts.addr + "/INBOX"
	}
	opts.Username, opts.Password = testUser, testPassword
	opts.Now = func() time.Time { return testNow }
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func titles(items []sources.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func fetch(t *testing.T, s *Source, cursor string) *sources.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := s.Fetch(ctx, sources.Request{ETag: cursor})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var allTitles = []string{
	"Harbour Weekly — Issue 42: first power from the wind farm",
	"Morning Briefing: trams, books and a postponed festival",
	"Fête du fleuve reportée au printemps",
	"Council week 47 <budget & cycle lanes>",
	"Club news, November",
}

func TestFetchReadsNewMessagesOnly(t *testing.T) {
	ts := newTestServer(t, plainServer)
	ts.deliver(t, "INBOX", []byte(oldMessage), testNow.Add(-400*24*time.Hour))
	deliverAll(t, ts, "INBOX")
	s := newSource(t, ts, Options{})

	res := fetch(t, s, "")
	if got := titles(res.Items); !sameSet(got, allTitles) {
		t.Fatalf("first fetch: %q, want the five messages within since (not last year's)", got)
	}
	if res.NotModified || !strings.HasPrefix(res.ETag, "imap:") || !strings.HasSuffix(res.ETag, ":6") {
		t.Fatalf("cursor = %q (not modified %v), want imap:V:6", res.ETag, res.NotModified)
	}

	again := fetch(t, s, res.ETag)
	if !again.NotModified || len(again.Items) != 0 || again.ETag != res.ETag {
		t.Fatalf("second fetch: not modified %v, %d items, cursor %q", again.NotModified, len(again.Items), again.ETag)
	}

	ts.deliver(t, "INBOX", []byte("From: news@example.org\r\nSubject: Issue 43\r\nMessage-ID: <issue-43@news.example.org>\r\nDate: Thu, 19 Nov 2026 07:30:00 +0000\r\n\r\nNew.\r\n"), testNow)
	third := fetch(t, s, again.ETag)
	if got := titles(third.Items); !slices.Equal(got, []string{"Issue 43"}) || !strings.HasSuffix(third.ETag, ":7") {
		t.Fatalf("third fetch: %q, cursor %q", got, third.ETag)
	}
	if third.Items[0].ID != "issue-43@news.example.org" {
		t.Errorf("id = %q", third.Items[0].ID)
	}

	// Read-only by default: EXAMINE, BODY.PEEK, never STORE, and the
	// messages stay unseen.
	if !ts.sawCommand("EXAMINE") || ts.sawCommand("SELECT") || ts.sawCommand("UID STORE") || ts.sawCommand("STORE") {
		t.Errorf("commands: %q", ts.commands)
	}
	if n := countSeen(t, ts, "INBOX"); n != 0 {
		t.Errorf("%d messages marked seen, want none", n)
	}
}

func TestFetchMarkSeen(t *testing.T) {
	ts := newTestServer(t, plainServer)
	deliverAll(t, ts, "Newsletters")
	s := newSource(t, ts, Options{URL: "imap://" + ts.addr + "/Newsletters", MarkSeen: true})
	res := fetch(t, s, "")
	if len(res.Items) != 5 {
		t.Fatalf("%d items", len(res.Items))
	}
	if n := countSeen(t, ts, "Newsletters"); n != 5 {
		t.Errorf("%d messages seen, want 5", n)
	}
}

func TestFetchFromFilter(t *testing.T) {
	ts := newTestServer(t, plainServer)
	deliverAll(t, ts, "INBOX")
	s := newSource(t, ts, Options{From: []string{"Example.org", "secretary@club.example.com", "nobody@letters.example.net"}})
	res := fetch(t, s, "")
	want := []string{
		"Harbour Weekly — Issue 42: first power from the wind farm", // news@example.org
		"Council week 47 <budget & cycle lanes>",                    // a subdomain of example.org
		"Club news, November",                                       // the exact address
	}
	if got := titles(res.Items); !sameSet(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// The cursor moves past the messages filtered out, so they are not
	// read again.
	if !strings.HasSuffix(res.ETag, ":5") {
		t.Errorf("cursor = %q", res.ETag)
	}
}

func TestFetchUIDValidityChangeRereadsByDate(t *testing.T) {
	ts := newTestServer(t, plainServer)
	deliverAll(t, ts, "INBOX")
	s := newSource(t, ts, Options{})
	first := fetch(t, s, "")
	// The folder is rebuilt (a server migration): UIDs start over under a
	// new UIDVALIDITY, so the old cursor means nothing.
	if err := ts.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := ts.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	ts.deliver(t, "INBOX", readMessage(t, "plain-only.eml"), testNow.Add(-time.Hour))
	res := fetch(t, s, first.ETag)
	if got := titles(res.Items); !slices.Equal(got, []string{"Council week 47 <budget & cycle lanes>"}) {
		t.Errorf("after UIDVALIDITY change: %q", got)
	}
	if res.ETag == first.ETag || !strings.HasSuffix(res.ETag, ":1") {
		t.Errorf("cursor %q after %q", res.ETag, first.ETag)
	}
}

func TestFetchLimits(t *testing.T) {
	ts := newTestServer(t, plainServer)
	deliverAll(t, ts, "INBOX")
	// Messages over the size cap are skipped with a warning; at most
	// MaxMessages are read per fetch and the rest come next time.
	s := newSource(t, ts, Options{MaxMessage: 1300, MaxMessages: 2})
	res := fetch(t, s, "imap:1:0")
	if len(res.Items) != 2 || len(res.Warnings) != 2 {
		t.Fatalf("items %q, warnings %q", titles(res.Items), res.Warnings)
	}
	if !strings.Contains(res.Warnings[0], "over fetch.max_body") {
		t.Errorf("warning = %q", res.Warnings[0])
	}
	next := fetch(t, s, res.ETag)
	if len(next.Items) != 0 && slices.ContainsFunc(next.Items, func(it sources.Item) bool { return slices.Contains(titles(res.Items), it.Title) }) {
		t.Errorf("read twice: %q then %q", titles(res.Items), titles(next.Items))
	}
	if len(res.Items)+len(next.Items) != 3 { // two of the five are over 1300 bytes
		t.Errorf("items over two fetches: %q + %q", titles(res.Items), titles(next.Items))
	}
}

func TestFetchTLS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   serverMode
		scheme string
	}{
		{"implicit TLS", tlsServer, "imaps"},
		{"STARTTLS", startTLSServer, "imap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, tc.mode)
			ts.deliver(t, "INBOX", readMessage(t, "plain-only.eml"), testNow.Add(-time.Hour))
			s := newSource(t, ts, Options{URL: tc.scheme + "://" + ts.addr + "/INBOX", TLSConfig: &tls.Config{RootCAs: ts.roots}})
			s.plainOK = func(string) bool { return false } // as if the server were remote
			if res := fetch(t, s, ""); len(res.Items) != 1 {
				t.Errorf("%d items", len(res.Items))
			}
			// Without trusting the test CA the handshake must fail.
			s = newSource(t, ts, Options{URL: tc.scheme + "://" + ts.addr + "/INBOX"})
			s.plainOK = func(string) bool { return false }
			if _, err := s.Fetch(context.Background(), sources.Request{}); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("untrusted certificate: err = %v", err)
			}
		})
	}
}

func TestFetchErrorsHideThePassword(t *testing.T) {
	ts := newTestServer(t, plainServer)
	s, err := New(Options{URL: "imap://" + ts.addr + "/INBOX", Username: testUser, Password: "wrong-" + testPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fetch(context.Background(), sources.Request{})
	if err == nil || !strings.Contains(err.Error(), "login as "+testUser) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error reveals the password: %v", err)
	}
	s = newSource(t, ts, Options{URL: "imap://" + ts.addr + "/Missing"})
	if _, err := s.Fetch(context.Background(), sources.Request{}); err == nil || !strings.Contains(err.Error(), `open folder "Missing"`) {
		t.Errorf("missing folder: %v", err)
	}
}

func TestFetchStalledServerEndsAtDeadline(t *testing.T) {
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
			defer c.Close() // accept, then never greet
		}
	}()
	s, err := New(Options{URL: "imap://" + ln.Addr().String() + "/INBOX", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = s.Fetch(ctx, sources.Request{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

func TestNewChecksOptions(t *testing.T) {
	cases := map[string]Options{
		"scheme must be imaps or imap": {URL: "https://mail.example.org/INBOX", Username: "u"},
		"no host":                      {URL: "imaps:///INBOX", Username: "u"},
		"not in the URL":               {URL: "imaps://u:hunter2@mail.example.org/INBOX", Username: "u"},
		"username is required":         {URL: "imaps://mail.example.org/INBOX"},
	}
	for want, opts := range cases {
		_, err := New(opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: err = %v, want %q", opts, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error reveals a password: %v", err)
		}
	}
	s, err := New(Options{URL: "imaps://mail.example.org", Username: "u"})
	if err != nil || s.folder != "INBOX" || s.addr != "mail.example.org:993" {
		t.Errorf("defaults: %+v %v", s, err)
	}
}

func TestCursor(t *testing.T) {
	for in, ok := range map[string]bool{"imap:7:42": true, "imap:7:0": true, `W/"x"`: false, "imap:0:4": false, "imap:7": false, "imap:x:1": false, "": false} {
		c, got := parseCursor(in)
		if got != ok || (ok && c.String() != in) {
			t.Errorf("parseCursor(%q) = %v %v", in, c, got)
		}
	}
}

func TestMatchFrom(t *testing.T) {
	wanted := []string{"example.org", "a@b.example"}
	for addr, want := range map[string]bool{
		"news@example.org":       true,
		"x@mail.example.org":     true,
		"x@badexample.org":       false,
		"a@b.example":            true,
		"b@b.example":            false,
		"example.org@evil.test":  false,
		"no-at-sign.example.org": false,
	} {
		if got := matchFrom(wanted, addr); got != want {
			t.Errorf("matchFrom(%q) = %v", addr, got)
		}
	}
}

// countSeen counts the \Seen messages of a folder, through a client of its
// own.
func countSeen(t *testing.T, ts *testServer, folder string) int {
	t.Helper()
	c, err := imapclient.DialInsecure(ts.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(testUser, testPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.Search(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return len(data.AllSeqNums())
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestReadCapsMessagesWhateverTheServerAnnounced: read stops at
// MaxMessage bytes even for a message pick would have let through (a
// server announcing a smaller RFC822.SIZE than it sends).
func TestReadCapsMessagesWhateverTheServerAnnounced(t *testing.T) {
	ts := newTestServer(t, plainServer)
	small := ts.deliver(t, "INBOX", readMessage(t, "plain-only.eml"), testNow.Add(-time.Hour))
	big := ts.deliver(t, "INBOX", readMessage(t, "alternative-qp.eml"), testNow.Add(-time.Hour))
	s := newSource(t, ts, Options{MaxMessage: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, closeConn, err := s.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	items, warns, err := s.read(c, []imap.UID{small, big}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Title != "Council week 47 <budget & cycle lanes>" {
		t.Errorf("items %q", titles(items))
	}
	if len(warns) != 1 || !strings.Contains(warns[0], fmt.Sprintf("message UID %d: larger than fetch.max_body", big)) {
		t.Errorf("warnings %q", warns)
	}
}
