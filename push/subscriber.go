package push

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/feed"
	"github.com/tributaryfeeds/tributary/store"
)

const (
	// askLease is the lease tributary asks upstream hubs for.
	askLease = DefaultLease
	// pendingRetry is how long a subscription request may wait for the
	// hub's verification before it is sent again; also the wait after a
	// hub denies or cannot be reached.
	pendingRetry = time.Hour
	// noHubRetry is how long before a source that advertised no hub is
	// checked again.
	noHubRetry = 6 * time.Hour
	// upstreamCheck is how often subscriptions are checked for renewal.
	upstreamCheck = time.Minute
)

// runUpstreams keeps the upstream subscriptions of websub sources alive
// until ctx is done.
func (s *Service) runUpstreams(ctx context.Context) {
	t := time.NewTicker(upstreamCheck)
	defer t.Stop()
	for {
		s.CheckUpstreams(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckUpstreams subscribes each websub source whose upstream advertises a
// hub and is not subscribed, and renews subscriptions in the last quarter
// of their lease.
func (s *Service) CheckUpstreams(ctx context.Context) {
	c := s.cfg.Load()
	for i := range c.Sources {
		if ctx.Err() != nil {
			return
		}
		src := &c.Sources[i]
		if err := s.maintain(ctx, c, src); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "websub subscriber", "source", src.Name, "err", err)
		}
	}
}

func (s *Service) maintain(ctx context.Context, c *compiled, src *Source) error {
	now := s.now()
	u, err := s.st.Upstream(ctx, src.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case u.Active && now.Before(renewAt(u)):
		return nil
	case !u.Active && now.Before(u.Expires):
		return nil // pending, denied or without a hub: not yet time to ask again
	}
	if s.opts.Leaser != nil {
		ok, err := s.opts.Leaser.Lease(ctx, "websub:"+src.Name, s.opts.Owner, 5*time.Minute)
		if err != nil || !ok {
			return err // another replica manages it
		}
	}
	hub, topic, err := s.discover(ctx, src.URL)
	if err != nil {
		return s.later(ctx, src.Name, now.Add(pendingRetry), fmt.Errorf("discover hub: %w", err))
	}
	if hub == "" {
		return s.later(ctx, src.Name, now.Add(noHubRetry), nil)
	}
	secret := u.Secret
	if secret == "" || u.Hub != hub || u.Topic != topic {
		secret = rand.Text() + rand.Text() // 52 base32 characters, 256 bits
	}
	token := callbackToken(secret, src.Name)
	next := store.Upstream{
		Source: src.Name, Hub: hub, Topic: topic, TokenHash: hashToken(token), Secret: secret,
		Active: u.Active && u.Hub == hub && u.Topic == topic, Updated: now,
		Expires: u.Expires,
	}
	if !next.Active {
		next.Expires = now.Add(pendingRetry)
	}
	// Saved before asking: the hub may verify before it even answers.
	if err := s.st.SetUpstream(ctx, next); err != nil {
		return err
	}
	if err := s.request(ctx, s.hubClient(hub, src.URL), hub, "subscribe", topic, c.callbackURL(src.Name, token), secret); err != nil {
		return fmt.Errorf("subscribe at %s: %w", redactURL(hub), err)
	}
	s.log.InfoContext(ctx, "websub subscriber: subscription requested", "source", src.Name, "hub", redactURL(hub))
	return nil
}

// later records that nothing is to be done for a source until at.
func (s *Service) later(ctx context.Context, source string, at time.Time, cause error) error {
	u, err := s.st.Upstream(ctx, source)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if u.Active && s.now().Before(u.Expires) {
		// Keep a working subscription while its lease lasts, and try the
		// renewal again after three quarters of what is left, not at
		// the next check.
		u.Updated = s.now()
		if err := s.st.SetUpstream(ctx, u); err != nil {
			return errors.Join(cause, err)
		}
		return cause
	}
	u.Source, u.Active, u.Expires, u.Updated = source, false, at, s.now()
	if u.TokenHash == nil {
		u.TokenHash = []byte{}
	}
	if err := s.st.SetUpstream(ctx, u); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// renewAt is when a verified subscription is renewed: with a quarter of
// its lease left.
func renewAt(u store.Upstream) time.Time {
	return u.Updated.Add(u.Expires.Sub(u.Updated) * 3 / 4)
}

// callbackToken derives the callback's path token from the secret, so
// that only the secret is stored and renewals reuse the same callback.
func callbackToken(secret, source string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("callback\x00" + source))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (c *compiled) callbackURL(source, token string) string {
	return c.base + "/websub/callback/" + url.PathEscape(source) + "/" + token
}

// request sends a subscription or unsubscription request to a hub.
func (s *Service) request(ctx context.Context, client *outbound, hub, mode, topic, callback, secret string) error {
	form := url.Values{
		"hub.mode":     {mode},
		"hub.topic":    {topic},
		"hub.callback": {callback},
	}
	if mode == "subscribe" {
		form.Set("hub.lease_seconds", strconv.FormatInt(int64(askLease/time.Second), 10))
		form.Set("hub.secret", secret)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := client.do(ctx, http.MethodPost, hub, h, []byte(form.Encode()))
	if err != nil {
		return err
	}
	if resp.status < 200 || resp.status > 299 {
		return fmt.Errorf("hub answered %d", resp.status)
	}
	return nil
}

// hubClient is the client for requests to an upstream's hub. The hub is
// the upstream's choice, not the operator's, so it may not reach a private
// address, unless it is on the host the operator configured for the source
// (the rule the sources' guard applies to fetches).
func (s *Service) hubClient(hub, feedURL string) *outbound {
	h, err1 := url.Parse(hub)
	f, err2 := url.Parse(feedURL)
	if err1 == nil && err2 == nil && h.Hostname() != "" && strings.EqualFold(h.Hostname(), f.Hostname()) {
		return s.plain
	}
	return s.guard
}

// discover fetches the upstream feed and returns its hub and self URLs
// (WebSub 4): HTTP Link headers first, else links in the document. The
// self URL defaults to the feed's URL after redirects.
func (s *Service) discover(ctx context.Context, feedURL string) (hub, self string, err error) {
	resp, err := s.opts.Client.Get(ctx, feedURL, sources.Request{})
	if err != nil {
		return "", "", err
	}
	hubs, self := discoverLinks(resp.Header.Values("Link"), resp.Body, resp.URL)
	if self == "" {
		self = resp.URL
	}
	for _, h := range hubs {
		if u, err := url.Parse(h); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return h, self, nil
		}
	}
	return "", self, nil
}

// unsubscribe asks the hub to end a source's subscription; the row stays
// until the hub verifies, so the callback can confirm.
func (s *Service) unsubscribe(ctx context.Context, c *compiled, source string) {
	u, err := s.st.Upstream(ctx, source)
	if err != nil || u.Hub == "" || u.Secret == "" {
		if err == nil {
			_ = s.st.DeleteUpstream(ctx, source)
		}
		return
	}
	feedURL := u.Topic
	if src := c.sources[source]; src != nil {
		feedURL = src.URL
	}
	if err := s.request(ctx, s.hubClient(u.Hub, feedURL), u.Hub, "unsubscribe", u.Topic, c.callbackURL(source, callbackToken(u.Secret, source)), ""); err != nil {
		s.log.WarnContext(ctx, "websub subscriber: unsubscribe", "source", source, "hub", redactURL(u.Hub), "err", err)
		_ = s.st.DeleteUpstream(ctx, source)
	}
}

// Unsubscribe ends the upstream subscription of each named source (sources
// removed or no longer websub: true).
func (s *Service) Unsubscribe(ctx context.Context, names []string) {
	c := s.cfg.Load()
	for _, n := range names {
		s.unsubscribe(ctx, c, n)
	}
}

// ServeCallback serves /websub/callback/{source}/{token}: the upstream
// hub's verification of intent (GET) and its content distribution (POST).
// An unknown source or a wrong token is a 404, whatever the request.
func (s *Service) ServeCallback(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, "/websub/callback/")
	name, token, ok := strings.Cut(rest, "/")
	if !ok || name == "" || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	u, err := s.st.Upstream(ctx, name)
	if err != nil || len(u.TokenHash) == 0 || subtle.ConstantTimeCompare(hashToken(token), u.TokenHash) != 1 {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.confirm(w, r, u)
	case http.MethodPost:
		s.receive(w, r, u)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
	}
}

// confirm answers the hub's verification of intent: the challenge for a
// request we made, 404 for anything else.
func (s *Service) confirm(w http.ResponseWriter, r *http.Request, u store.Upstream) {
	ctx := r.Context()
	q := r.URL.Query()
	c := s.cfg.Load()
	_, wanted := c.sources[u.Source]
	mode, challenge := q.Get("hub.mode"), q.Get("hub.challenge")
	switch {
	case q.Get("hub.topic") != u.Topic:
		http.NotFound(w, r)
	case mode == "denied":
		s.log.WarnContext(ctx, "websub subscriber: the hub denied the subscription", "source", u.Source, "hub", redactURL(u.Hub), "reason", sources.Redact(q.Get("hub.reason")))
		u.Active, u.Expires, u.Updated = false, s.now().Add(noHubRetry), s.now()
		s.save(ctx, u)
		w.WriteHeader(http.StatusOK)
	case mode == "subscribe" && wanted && challenge != "":
		lease, err := strconv.ParseInt(q.Get("hub.lease_seconds"), 10, 64)
		if err != nil || lease <= 0 {
			lease = int64(askLease / time.Second)
		}
		now := s.now()
		u.Active, u.Updated, u.Expires = true, now, now.Add(time.Duration(min(lease, int64(365*24*time.Hour/time.Second)))*time.Second)
		if !s.save(ctx, u) {
			http.Error(w, "503 service unavailable", http.StatusServiceUnavailable)
			return
		}
		s.log.InfoContext(ctx, "websub subscriber: subscription verified", "source", u.Source, "hub", redactURL(u.Hub), "lease", time.Duration(lease)*time.Second)
		echo(w, challenge)
	case mode == "unsubscribe" && !wanted && challenge != "":
		if err := s.st.DeleteUpstream(ctx, u.Source); err != nil {
			http.Error(w, "503 service unavailable", http.StatusServiceUnavailable)
			return
		}
		echo(w, challenge)
	default:
		http.NotFound(w, r)
	}
}

func echo(w http.ResponseWriter, challenge string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

func (s *Service) save(ctx context.Context, u store.Upstream) bool {
	if err := s.st.SetUpstream(ctx, u); err != nil {
		s.log.ErrorContext(ctx, "websub subscriber: save subscription", "source", u.Source, "err", err)
		return false
	}
	return true
}

// receive takes a pushed body: checked against the subscription's secret
// (an unsigned or wrongly signed body is acknowledged and ignored, as
// WebSub 7.4 asks), parsed as a feed and stored like a poll's result.
func (s *Service) receive(w http.ResponseWriter, r *http.Request, u store.Upstream) {
	ctx := r.Context()
	c := s.cfg.Load()
	src := c.sources[u.Source]
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.opts.Timeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		http.Error(w, "413 request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	if src == nil || !u.Active {
		w.WriteHeader(http.StatusAccepted) // not wanted: acknowledged, ignored
		return
	}
	if !verifySignature(u.Secret, r.Header.Get("X-Hub-Signature"), body) {
		s.m.received.WithLabelValues(u.Source, "ignored").Inc()
		s.log.WarnContext(ctx, "websub subscriber: push with a missing or wrong signature ignored", "source", u.Source)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if src.FullText {
		// Pushed items lack the article text that a fetch extracts, and
		// a stored item is not extracted again: fetch now instead.
		if s.opts.Refresh != nil {
			if err := s.opts.Refresh(u.Source); err != nil {
				s.log.WarnContext(ctx, "websub subscriber: refresh on push", "source", u.Source, "err", err)
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	p, err := feed.Parse(body, r.Header.Get("Content-Type"), u.Topic)
	if err != nil {
		s.m.received.WithLabelValues(u.Source, "error").Inc()
		s.log.WarnContext(ctx, "websub subscriber: pushed body", "source", u.Source, "err", err)
		w.WriteHeader(http.StatusAccepted) // a retry would bring the same body
		return
	}
	if s.opts.Ingest == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if err := s.opts.Ingest(ctx, u.Source, p.Items); err != nil {
		s.m.received.WithLabelValues(u.Source, "error").Inc()
		s.log.ErrorContext(ctx, "websub subscriber: store pushed items", "source", u.Source, "err", err)
		http.Error(w, "503 service unavailable", http.StatusServiceUnavailable) // the hub retries
		return
	}
	s.m.received.WithLabelValues(u.Source, "stored").Inc()
	s.log.InfoContext(ctx, "websub subscriber: push stored", "source", u.Source, "items", len(p.Items))
	w.WriteHeader(http.StatusNoContent)
}
