// Package imap is the source for e-mail newsletters: the messages of one
// mailbox folder become items. It reads the folder read-only by default
// (EXAMINE, BODY.PEEK) and fetches only messages newer than the last one it
// saw, keeping the folder's UIDVALIDITY and that UID as its cursor.
package imap

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// Defaults used when an Options field is zero.
const (
	// DefaultSince is config's (imap since:), so one rule decides it.
	DefaultSince       = config.DefaultSince
	DefaultMaxMessage  = sources.DefaultMaxBody
	DefaultMaxMessages = 200
	// maxScan bounds the messages whose envelopes one fetch reads.
	maxScan = 2000
	// dialTimeout bounds the TCP connect when ctx has no earlier deadline.
	dialTimeout = 15 * time.Second
)

// Options configures a Source.
type Options struct {
	// URL is imaps://host[:993]/FOLDER, or imap://host[:143]/FOLDER
	// (STARTTLS; plain text only to a loopback address). The folder
	// defaults to INBOX.
	URL      string
	Username string
	Password string
	// From keeps only messages from these addresses ("news@example.org")
	// or domains ("example.net", which also matches its subdomains). Empty
	// keeps all.
	From []string
	// MarkSeen marks fetched messages \Seen. False (the default) opens the
	// folder read-only and never changes the mailbox.
	MarkSeen bool
	// Since is how far back the first fetch reads (and a fetch after the
	// folder's UIDVALIDITY changed). Zero: DefaultSince.
	Since time.Duration
	// MaxMessage skips larger messages (fetch.max_body). Zero:
	// DefaultMaxMessage.
	MaxMessage int64
	// MaxMessages bounds the messages one fetch turns into items; the rest
	// come on the next fetches. Zero: DefaultMaxMessages.
	MaxMessages int
	// TLSConfig overrides the TLS settings (tests trust their own CA with
	// it). Nil: system roots, the URL's host as server name.
	TLSConfig *tls.Config
	// Logger receives a summary of each fetch. Nil discards.
	Logger *slog.Logger
	// Now returns the current time. Nil: time.Now.
	Now func() time.Time
}

// Source reads the newsletters of one mailbox folder.
type Source struct {
	opts   Options
	scheme string
	addr   string // host:port
	host   string
	folder string
	from   []string
	log    *slog.Logger
	now    func() time.Time
	// plainOK reports whether imap:// may stay unencrypted to host: only a
	// loopback address (tests pretend otherwise to exercise STARTTLS).
	plainOK func(host string) bool
}

var _ sources.Source = (*Source)(nil)

// New checks opts and returns a Source. Errors never contain the password.
func New(opts Options) (*Source, error) {
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("imap source: url %s: not a URL", sources.Redact(opts.URL))
	}
	s := &Source{opts: opts, scheme: strings.ToLower(u.Scheme), host: u.Hostname(), log: opts.Logger, now: opts.Now, plainOK: isLoopback}
	port := u.Port()
	switch s.scheme {
	case "imaps":
		if port == "" {
			port = "993"
		}
	case "imap":
		if port == "" {
			port = "143"
		}
	default:
		return nil, fmt.Errorf("imap source: url %s: scheme must be imaps or imap", sources.Redact(opts.URL))
	}
	if s.host == "" {
		return nil, fmt.Errorf("imap source: url %s: no host", sources.Redact(opts.URL))
	}
	if u.User != nil {
		return nil, fmt.Errorf("imap source: url %s: put the credentials in username and password, not in the URL", sources.Redact(opts.URL))
	}
	s.addr = net.JoinHostPort(s.host, port)
	s.folder = strings.TrimPrefix(u.Path, "/")
	if s.folder == "" {
		s.folder = "INBOX"
	}
	if opts.Username == "" {
		return nil, errors.New("imap source: username is required")
	}
	for _, f := range opts.From {
		f = strings.ToLower(strings.TrimSpace(f))
		if f != "" {
			s.from = append(s.from, f)
		}
	}
	if s.opts.Since <= 0 {
		s.opts.Since = DefaultSince
	}
	if s.opts.MaxMessage <= 0 {
		s.opts.MaxMessage = DefaultMaxMessage
	}
	if s.opts.MaxMessages <= 0 {
		s.opts.MaxMessages = DefaultMaxMessages
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// where names the mailbox in errors: never the password.
func (s *Source) where() string {
	return s.scheme + "://" + s.addr + "/" + s.folder
}

// Fetch reads the messages newer than the cursor in req.ETag (the fetch
// state's validator slot, which the store already keeps per source) or,
// without a usable cursor, those received within Since; it returns their
// items and the new cursor as the Result's ETag. Nothing new yields
// NotModified.
func (s *Source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	res, err := s.fetch(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", s.where(), err)
	}
	return res, nil
}

func (s *Source) fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	c, closeConn, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer closeConn()
	sel, err := c.Select(s.folder, &imap.SelectOptions{ReadOnly: !s.opts.MarkSeen}).Wait()
	if err != nil {
		return nil, fmt.Errorf("open folder %q: %w", s.folder, err)
	}
	now := s.now()
	cur, ok := parseCursor(req.ETag)
	resume := ok && cur.validity == sel.UIDValidity
	crit := &imap.SearchCriteria{}
	if resume {
		var set imap.UIDSet
		set.AddRange(imap.UID(cur.uid+1), 0) // 0 is "*"
		crit.UID = []imap.UIDSet{set}
	} else {
		crit.Since = now.Add(-s.opts.Since)
	}
	found, err := c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	uids := found.AllUIDs()
	slices.Sort(uids)
	if resume {
		// "n:*" always matches the newest message, even when it is older
		// than n.
		uids = slices.DeleteFunc(uids, func(u imap.UID) bool { return uint32(u) <= cur.uid })
	}
	next := cursor{validity: sel.UIDValidity}
	if resume {
		next.uid = cur.uid
	}
	if sel.UIDNext > 0 && !resume {
		// A first read starts after everything already in the folder, so
		// the date window is read once.
		next.uid = uint32(sel.UIDNext) - 1
	}
	var warns []string
	if len(uids) > maxScan {
		warns = append(warns, fmt.Sprintf("%d new messages; reading %d now, the rest on the next fetches", len(uids), maxScan))
		if resume {
			uids = uids[:maxScan]
		} else {
			uids = uids[len(uids)-maxScan:]
		}
	}
	if len(uids) == 0 {
		return &sources.Result{NotModified: resume, ETag: next.String()}, nil
	}
	keep, skipped, err := s.pick(c, uids)
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		warns = append(warns, fmt.Sprintf("%d messages over fetch.max_body (%d bytes) skipped", skipped, s.opts.MaxMessage))
	}
	last := uids[len(uids)-1]
	if len(keep) > s.opts.MaxMessages {
		if resume {
			keep = keep[:s.opts.MaxMessages]
			last = keep[len(keep)-1]
			warns = append(warns, fmt.Sprintf("reading %d messages now, the rest on the next fetches", s.opts.MaxMessages))
		} else {
			keep = keep[len(keep)-s.opts.MaxMessages:]
		}
	}
	next.uid = max(next.uid, uint32(last))
	items, bad, err := s.read(c, keep, now)
	if err != nil {
		return nil, err
	}
	warns = append(warns, bad...)
	s.log.Debug("imap fetch", "folder", s.folder, "scanned", len(uids), "items", len(items), "cursor", next.String())
	if len(items) == 0 && resume {
		return &sources.Result{NotModified: true, ETag: next.String(), Warnings: warns}, nil
	}
	return &sources.Result{Items: items, ETag: next.String(), Warnings: warns}, nil
}

// connect dials, secures and logs in. The connection is closed when ctx
// ends, so a stalled server cannot hold the fetch past its deadline.
func (s *Source) connect(ctx context.Context) (*imapclient.Client, func(), error) {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	fail := func(err error) (*imapclient.Client, func(), error) {
		stop()
		_ = conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return nil, nil, err
	}
	tlsConf := s.tlsConfig()
	opts := &imapclient.Options{
		TLSConfig:   tlsConf,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
	}
	var c *imapclient.Client
	switch {
	case s.scheme == "imaps":
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(fmt.Errorf("tls: %w", err))
		}
		c = imapclient.New(tc, opts)
	case s.plainOK(s.host):
		// Plain text stays on this machine (a local bridge or server).
		c = imapclient.New(conn, opts)
	default:
		c, err = imapclient.NewStartTLS(conn, opts)
		if err != nil {
			return fail(fmt.Errorf("starttls: %w", err))
		}
	}
	if err := c.WaitGreeting(); err != nil {
		_ = c.Close()
		return fail(fmt.Errorf("greeting: %w", err))
	}
	if err := c.Login(s.opts.Username, s.opts.Password).Wait(); err != nil {
		_ = c.Close()
		return fail(fmt.Errorf("login as %s: %w", s.opts.Username, s.scrub(err)))
	}
	return c, func() {
		_ = c.Logout().Wait()
		_ = c.Close()
		stop()
	}, nil
}

// scrub removes the password from a server's error text, should a server
// ever echo it.
func (s *Source) scrub(err error) error {
	if s.opts.Password == "" || !strings.Contains(err.Error(), s.opts.Password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), s.opts.Password, "***"))
}

func (s *Source) tlsConfig() *tls.Config {
	if s.opts.TLSConfig != nil {
		c := s.opts.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pick reads the envelopes and sizes of uids and keeps those from a wanted
// sender and within the size cap, in UID order.
func (s *Source) pick(c *imapclient.Client, uids []imap.UID) (keep []imap.UID, tooBig int, err error) {
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, Envelope: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, 0, fmt.Errorf("fetch envelopes: %w", err)
	}
	for _, m := range msgs {
		if m.UID == 0 || !s.wanted(m.Envelope) {
			continue
		}
		if m.RFC822Size > s.opts.MaxMessage {
			tooBig++
			continue
		}
		keep = append(keep, m.UID)
	}
	slices.Sort(keep)
	return keep, tooBig, nil
}

// wanted applies the from: filter to a message's sender.
func (s *Source) wanted(env *imap.Envelope) bool {
	if len(s.from) == 0 {
		return true
	}
	if env == nil {
		return false
	}
	for _, a := range append(slices.Clone(env.From), env.Sender...) {
		if matchFrom(s.from, strings.ToLower(a.Addr())) {
			return true
		}
	}
	return false
}

// matchFrom reports whether addr is one of the wanted addresses or at one
// of the wanted domains (or their subdomains).
func matchFrom(wanted []string, addr string) bool {
	_, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return false
	}
	for _, w := range wanted {
		if strings.Contains(w, "@") {
			if addr == w {
				return true
			}
			continue
		}
		w = strings.TrimPrefix(w, "@")
		if domain == w || strings.HasSuffix(domain, "."+w) {
			return true
		}
	}
	return false
}

// read fetches the whole messages and parses them, one message in memory
// at a time, each read to at most MaxMessage bytes whatever size the
// server announced; a message that does not parse (or is larger) is a
// warning, not a failed fetch. Items come in UID order.
func (s *Source) read(c *imapclient.Client, uids []imap.UID, now time.Time) ([]sources.Item, []string, error) {
	if len(uids) == 0 {
		return nil, nil, nil
	}
	section := &imap.FetchItemBodySection{Peek: !s.opts.MarkSeen}
	cmd := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section},
	})
	type parsed struct {
		uid imap.UID
		it  sources.Item
	}
	var (
		got   []parsed
		warns []string
	)
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		var (
			uid      imap.UID
			received time.Time
			raw      []byte
			tooBig   bool
			readErr  error
		)
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch d := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = d.UID
			case imapclient.FetchItemDataInternalDate:
				received = d.Time
			case imapclient.FetchItemDataBodySection:
				if d.Literal == nil {
					continue
				}
				// The rest of a literal past the cap is discarded by
				// the client when the next item is read.
				raw, readErr = io.ReadAll(io.LimitReader(d.Literal, s.opts.MaxMessage+1))
				if int64(len(raw)) > s.opts.MaxMessage {
					tooBig, raw = true, nil
				}
			}
		}
		switch {
		case readErr != nil:
			// The connection failed mid-message: Close reports it.
		case tooBig:
			warns = append(warns, fmt.Sprintf("message UID %d: larger than fetch.max_body (%d bytes); skipped", uid, s.opts.MaxMessage))
		case raw == nil:
		default:
			it, err := ParseMessage(Message{Raw: raw, Received: received}, now)
			if err != nil {
				warns = append(warns, fmt.Sprintf("message UID %d: %v", uid, err))
				continue
			}
			got = append(got, parsed{uid, it})
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, nil, fmt.Errorf("fetch messages: %w", err)
	}
	slices.SortFunc(got, func(a, b parsed) int { return cmp.Compare(a.uid, b.uid) })
	items := make([]sources.Item, len(got))
	for i, p := range got {
		items[i] = p.it
	}
	return items, warns, nil
}

// cursor is where the next fetch resumes: the folder's UIDVALIDITY and the
// highest UID already read. It is kept as "imap:VALIDITY:UID".
type cursor struct {
	validity uint32
	uid      uint32
}

const cursorPrefix = "imap:"

func (c cursor) String() string {
	return cursorPrefix + strconv.FormatUint(uint64(c.validity), 10) + ":" + strconv.FormatUint(uint64(c.uid), 10)
}

func parseCursor(s string) (cursor, bool) {
	rest, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return cursor{}, false
	}
	v, u, ok := strings.Cut(rest, ":")
	if !ok {
		return cursor{}, false
	}
	validity, err1 := strconv.ParseUint(v, 10, 32)
	uid, err2 := strconv.ParseUint(u, 10, 32)
	if err1 != nil || err2 != nil || validity == 0 {
		return cursor{}, false
	}
	return cursor{validity: uint32(validity), uid: uint32(uid)}, true
}
