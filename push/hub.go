package push

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

const (
	verifyWorkers = 4
	// verifyQueue bounds the verifications waiting: a flood of requests
	// is answered 503 rather than queued without bound.
	verifyQueue = 256
	// maxRequest bounds a subscription request's form.
	maxRequest = 16 << 10
	// maxCallback bounds a callback URL.
	maxCallback = 2048
)

// verification is a subscription request accepted for verification of
// intent.
type verification struct {
	mode     string // "subscribe" or "unsubscribe"
	topic    string
	callback string
	secret   string
	lease    time.Duration
}

// ServeHub serves the built-in hub at /websub: POST subscription and
// unsubscription requests (application/x-www-form-urlencoded), answered 202
// and verified with the subscriber afterwards.
func (s *Service) ServeHub(w http.ResponseWriter, r *http.Request) {
	c := s.cfg.Load()
	if !c.Builtin {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "405 method not allowed: a WebSub hub takes POST requests", http.StatusMethodNotAllowed)
		return
	}
	// The server sets no read timeout: bound this body's read here.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(10 * time.Second))
	r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "400 bad request: the form does not parse", http.StatusBadRequest)
		return
	}
	v, code, msg := s.parseRequest(r.Context(), c, r.PostForm)
	if code != 0 {
		http.Error(w, msg, code)
		return
	}
	select {
	case s.verify <- v:
	default:
		w.Header().Set("Retry-After", "60")
		http.Error(w, "503 service unavailable: too many requests waiting for verification", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// parseRequest validates a subscription request; a non-zero code is the
// error answer. Messages never echo the secret.
func (s *Service) parseRequest(ctx context.Context, c *compiled, form url.Values) (verification, int, string) {
	v := verification{
		mode:     form.Get("hub.mode"),
		topic:    form.Get("hub.topic"),
		callback: form.Get("hub.callback"),
		secret:   form.Get("hub.secret"),
		lease:    DefaultLease,
	}
	if v.mode != "subscribe" && v.mode != "unsubscribe" {
		return v, http.StatusBadRequest, "400 bad request: hub.mode must be subscribe or unsubscribe"
	}
	if msg := checkCallback(v.callback, s.opts.AllowPrivate); msg != "" {
		return v, http.StatusBadRequest, "400 bad request: hub.callback " + msg
	}
	if _, ok := c.lookupTopic(v.topic); !ok {
		// An unknown or private topic is denied outright: nothing is
		// sent to the callback for it.
		return v, http.StatusNotFound, "404 not found: hub.topic is not a feed published here"
	}
	if len(v.secret) > maxSecret {
		return v, http.StatusBadRequest, "400 bad request: hub.secret must be less than 200 bytes"
	}
	if raw := form.Get("hub.lease_seconds"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			return v, http.StatusBadRequest, "400 bad request: hub.lease_seconds must be a positive integer"
		}
		v.lease = clampLease(time.Duration(min(n, int64(MaxLease/time.Second))) * time.Second)
	}
	if v.mode == "subscribe" {
		n, err := s.st.CountSubscriptions(ctx, s.now())
		if err != nil {
			s.log.ErrorContext(ctx, "websub hub: count subscriptions", "err", err)
			return v, http.StatusServiceUnavailable, "503 service unavailable"
		}
		if n >= s.opts.MaxSubscriptions {
			return v, http.StatusServiceUnavailable, "503 service unavailable: the hub is full"
		}
	}
	return v, 0, ""
}

// clampLease bounds a requested lease; the hub decides, the subscriber
// only hints.
func clampLease(d time.Duration) time.Duration {
	return min(max(d, MinLease), MaxLease)
}

// checkCallback returns why a callback is refused, or "". Literal private
// addresses are refused here already; names are checked when dialled.
func checkCallback(raw string, allowPrivate bool) string {
	if raw == "" {
		return "is required"
	}
	if len(raw) > maxCallback {
		return "is too long"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "must be an absolute http or https URL without credentials"
	}
	if u.Fragment != "" {
		return "must have no fragment"
	}
	if allowPrivate {
		return ""
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil && !isPublic(ip) {
		return "must not be a private address"
	}
	if h := strings.ToLower(host); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "must not be a private address"
	}
	return ""
}

// runVerifier verifies queued requests until ctx is done.
func (s *Service) runVerifier(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-s.verify:
			s.verifyIntent(ctx, v)
		}
	}
}

// verifyIntent asks the subscriber to confirm (WebSub 5.3): a GET to the
// callback with hub.challenge, which a 2xx answer must echo exactly.
func (s *Service) verifyIntent(ctx context.Context, v verification) {
	challenge := rand.Text()
	q := url.Values{}
	q.Set("hub.mode", v.mode)
	q.Set("hub.topic", v.topic)
	q.Set("hub.challenge", challenge)
	if v.mode == "subscribe" {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(v.lease/time.Second), 10))
	}
	target := v.callback
	if strings.Contains(target, "?") {
		target += "&" + q.Encode()
	} else {
		target += "?" + q.Encode()
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := s.guard.do(ctx, http.MethodGet, target, nil, nil)
	log := s.log.With("mode", v.mode, "topic", v.topic, "callback", redactURL(v.callback))
	switch {
	case err != nil:
		log.InfoContext(ctx, "websub hub: verification failed", "err", err)
		return
	case resp.status < 200 || resp.status > 299 || string(resp.body) != challenge:
		log.InfoContext(ctx, "websub hub: subscriber did not confirm", "status", resp.status)
		return
	}
	var serr error
	if v.mode == "subscribe" {
		serr = s.st.PutSubscription(ctx, store.Subscription{
			Topic: v.topic, Callback: v.callback, Secret: v.secret, Expires: s.now().Add(v.lease),
		})
	} else {
		serr = s.st.DeleteSubscription(ctx, v.topic, v.callback)
	}
	if serr != nil {
		log.ErrorContext(ctx, "websub hub: save subscription", "err", serr)
		return
	}
	log.InfoContext(ctx, "websub hub: "+v.mode+" verified", "lease", v.lease)
}
