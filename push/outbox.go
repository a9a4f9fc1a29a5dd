package push

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/store"
)

const (
	// claimBatch is how many deliveries one claim takes.
	claimBatch = 32
	// sendWorkers bounds the requests one replica has in flight.
	sendWorkers = 8
	// maxWebhookItems bounds the items of one webhook document.
	maxWebhookItems = 100
	baseBackoff     = 30 * time.Second
	maxBackoff      = 2 * time.Hour
)

// FeedChanged queues what a new version of a feed's bytes sends: the
// content to the built-in hub's subscribers, pings to the configured hubs,
// and new items to the feed's webhooks. Every replica may call it for the
// same change; the store queues each delivery once. It never blocks on the
// network.
func (s *Service) FeedChanged(ctx context.Context, slug string) {
	c := s.cfg.Load()
	f := c.feeds[slug]
	if f == nil {
		return
	}
	now := s.now()
	queued := 0
	builtin := c.Builtin
	if builtin {
		// A read first: with no subscriber at all (the common case) the
		// change costs no write transaction per topic.
		n, err := s.st.CountSubscriptions(ctx, now)
		if err != nil {
			s.log.ErrorContext(ctx, "websub: count subscriptions", "err", err)
		}
		builtin = n > 0 || err != nil
	}
	if !f.Private && (builtin || len(c.Hubs) > 0) {
		for _, t := range c.topics(slug) {
			version := s.version(ctx, slug, t.format)
			if version == "" {
				continue
			}
			if builtin {
				n, err := s.st.QueueTopic(ctx, t.url, version, now)
				if err != nil {
					s.log.ErrorContext(ctx, "websub: queue distribution", "feed", slug, "err", err)
				}
				queued += n
			}
			for _, hub := range c.Hubs {
				n, err := s.st.QueueNew(ctx, "ping "+hub+" "+t.url, []store.Notice{{
					Key:      version,
					Delivery: store.Delivery{Kind: store.KindPing, Target: hub, Topic: t.url},
				}}, now)
				if err != nil {
					s.log.ErrorContext(ctx, "websub: queue hub ping", "feed", slug, "err", err)
				}
				queued += n
			}
		}
	}
	if len(f.Notify) > 0 {
		queued += s.queueWebhooks(ctx, f, now)
	}
	if queued > 0 {
		s.kick()
	}
}

// validated is implemented by feeds (*feeds.Publisher) that know a feed's
// ETag without rendering it.
type validated interface {
	Validators(slug string, f feeds.Format) *feeds.Rendered
}

// version is the feed's current ETag, which names its content: without a
// render when the feeds can tell, so that a change costs no render until
// a delivery needs the bytes. "" for an unknown feed.
func (s *Service) version(ctx context.Context, slug string, f feeds.Format) string {
	var rd *feeds.Rendered
	if v, ok := s.opts.Feeds.(validated); ok {
		rd = v.Validators(slug, f)
	} else {
		rd = s.render(ctx, slug, f)
	}
	if rd == nil {
		return ""
	}
	return rd.ETag
}

// hookKey names a webhook in the store without its secret: the feed and a
// hash of the URL, whose query may hold a token.
func hookKey(slug, hookURL string) string {
	sum := sha256.Sum256([]byte(hookURL))
	return slug + " " + hex.EncodeToString(sum[:12])
}

// queueWebhooks queues each item of the feed's JSON rendering that a hook
// has not seen. The JSON Feed items are what the webhook document carries,
// so they are taken as rendered.
func (s *Service) queueWebhooks(ctx context.Context, f *Feed, now time.Time) int {
	rd := s.render(ctx, f.Slug, feeds.JSON)
	if rd == nil {
		return 0
	}
	var doc struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(rd.Body, &doc); err != nil {
		s.log.ErrorContext(ctx, "webhook: read the rendered feed", "feed", f.Slug, "err", err)
		return 0
	}
	var notices []store.Notice
	for _, raw := range doc.Items {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &id) != nil || id.ID == "" {
			continue
		}
		notices = append(notices, store.Notice{Key: id.ID, Delivery: store.Delivery{Kind: store.KindWebhook, Topic: f.Slug, Payload: raw}})
	}
	// Oldest first, so that the outbox (and the receiver) see items in
	// the order they were published.
	for i, j := 0, len(notices)-1; i < j; i, j = i+1, j-1 {
		notices[i], notices[j] = notices[j], notices[i]
	}
	queued := 0
	for _, h := range f.Notify {
		key := hookKey(f.Slug, h.URL)
		for i := range notices {
			notices[i].Delivery.Target = key
		}
		n, err := s.st.QueueNew(ctx, "hook "+key, notices, now)
		if err != nil {
			s.log.ErrorContext(ctx, "webhook: queue", "feed", f.Slug, "err", err)
		}
		queued += n
	}
	return queued
}

// runOutbox sends due deliveries until ctx is done, woken by FeedChanged
// and otherwise checking every Poll.
func (s *Service) runOutbox(ctx context.Context) {
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		for s.drain(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// drain claims and sends one batch; it reports whether there may be more.
func (s *Service) drain(ctx context.Context) bool {
	if ctx.Err() != nil || !s.cfg.Load().active() {
		return false
	}
	now := s.now()
	// The lease outlasts a batch of timeouts, so that no other replica
	// takes a delivery that is still being sent.
	lease := 4*s.opts.Timeout + time.Minute
	ds, err := s.st.Claim(ctx, s.opts.Owner, now, lease, claimBatch)
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "push: claim deliveries", "err", err)
		}
		return false
	}
	c := s.cfg.Load()
	// One job per request: webhook items for one hook go out in one
	// document, everything else alone.
	type job struct {
		ds   []store.Delivery
		send func() error
	}
	var jobs []job
	hooks := make(map[string][]store.Delivery)
	var order []string
	for _, d := range ds {
		switch d.Kind {
		case store.KindWebhook:
			if _, ok := hooks[d.Target]; !ok {
				order = append(order, d.Target)
			}
			hooks[d.Target] = append(hooks[d.Target], d)
		case store.KindWebSub:
			jobs = append(jobs, job{[]store.Delivery{d}, func() error { return s.distribute(ctx, c, d) }})
		case store.KindPing:
			jobs = append(jobs, job{[]store.Delivery{d}, func() error { return s.ping(ctx, d) }})
		default:
			jobs = append(jobs, job{[]store.Delivery{d}, func() error { return errDrop }})
		}
	}
	for _, key := range order {
		group := hooks[key]
		for len(group) > 0 {
			g := group[:min(len(group), maxWebhookItems)]
			jobs = append(jobs, job{g, func() error { return s.sendWebhook(ctx, c, g) }})
			group = group[len(g):]
		}
	}
	// Requests go out in parallel, so that one slow subscriber costs one
	// worker a timeout rather than holding up everyone behind it.
	var wg sync.WaitGroup
	sem := make(chan struct{}, sendWorkers)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.finish(ctx, j.ds, j.send())
		})
	}
	wg.Wait()
	return len(ds) == claimBatch
}

// errDrop marks a delivery that can never succeed (its subscription,
// feed or hook is gone): it is removed without retries.
var errDrop = errors.New("no longer wanted")

// finish records the outcome of sending ds.
func (s *Service) finish(ctx context.Context, ds []store.Delivery, err error) {
	for _, d := range ds {
		var serr error
		switch {
		case err == nil:
			s.m.deliveries.WithLabelValues(d.Kind, outcomeSent).Inc()
			serr = s.st.Done(ctx, d.ID)
		case errors.Is(err, errDrop):
			s.m.deliveries.WithLabelValues(d.Kind, outcomeDropped).Inc()
			serr = s.st.Done(ctx, d.ID)
		case d.Attempts+1 >= s.opts.MaxAttempts:
			s.m.deliveries.WithLabelValues(d.Kind, outcomeGivenUp).Inc()
			s.log.WarnContext(ctx, "push: delivery given up", "kind", d.Kind, "topic", d.Topic, "attempts", d.Attempts+1, "err", err)
			serr = s.st.Done(ctx, d.ID)
		default:
			s.m.deliveries.WithLabelValues(d.Kind, outcomeRetry).Inc()
			next := s.now().Add(backoff(d.Attempts + 1))
			s.log.InfoContext(ctx, "push: delivery failed, will retry", "kind", d.Kind, "topic", d.Topic, "attempt", d.Attempts+1, "next", next, "err", err)
			serr = s.st.Retry(ctx, d.ID, next, err.Error())
		}
		if serr != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "push: record delivery", "err", serr)
		}
	}
}

// backoff is the wait before attempt n+1: exponential from 30 s, capped at
// two hours, with a tenth of jitter so that retries of many deliveries
// spread out.
func backoff(n int) time.Duration {
	d := baseBackoff << min(n-1, 16)
	d = min(d, maxBackoff)
	return d + rand.N(d/10+1)
}

// distribute sends a topic's current body to one subscriber of the
// built-in hub (WebSub 7), signed with the subscription's secret.
func (s *Service) distribute(ctx context.Context, c *compiled, d store.Delivery) error {
	t, ok := c.lookupTopic(d.Topic)
	if !ok || !c.Builtin {
		return errDrop // the feed went away or became private
	}
	sub, err := s.st.Subscription(ctx, d.Topic, d.Target, s.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errDrop // unsubscribed or expired since
	case err != nil:
		return fmt.Errorf("load subscription: %w", err)
	}
	rd := s.render(ctx, t.slug, t.format)
	if rd == nil {
		return errDrop
	}
	h := http.Header{}
	h.Set("Content-Type", rd.ContentType)
	h["Link"] = []string{"<" + c.hubURL() + ">; rel=\"hub\"", "<" + t.url + ">; rel=\"self\""}
	if sub.Secret != "" {
		h.Set("X-Hub-Signature", sign(sub.Secret, rd.Body))
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := s.guard.do(ctx, http.MethodPost, d.Target, h, rd.Body)
	if err != nil {
		return err
	}
	if resp.status < 200 || resp.status > 299 {
		return fmt.Errorf("subscriber answered %d", resp.status)
	}
	return nil
}

// ping tells an external hub that a topic changed: hub.mode=publish with
// hub.url, the convention hubs accept from publishers.
func (s *Service) ping(ctx context.Context, d store.Delivery) error {
	c := s.cfg.Load()
	if _, ok := c.lookupTopic(d.Topic); !ok {
		return errDrop
	}
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {d.Topic}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := s.plain.do(ctx, http.MethodPost, d.Target, h, []byte(form.Encode()))
	if err != nil {
		return err
	}
	if resp.status < 200 || resp.status > 299 {
		return fmt.Errorf("hub answered %d", resp.status)
	}
	return nil
}

// sendWebhook posts items of one hook as a JSON Feed 1.1 document, signed
// with the hook's secret in X-Tributary-Signature.
func (s *Service) sendWebhook(ctx context.Context, c *compiled, ds []store.Delivery) error {
	f := c.feeds[ds[0].Topic]
	if f == nil {
		return errDrop
	}
	var hook *Hook
	for i := range f.Notify {
		if hookKey(f.Slug, f.Notify[i].URL) == ds[0].Target {
			hook = &f.Notify[i]
		}
	}
	if hook == nil {
		return errDrop // removed from the configuration
	}
	body, err := s.webhookDoc(ctx, c, f.Slug, ds)
	if err != nil {
		return errDrop
	}
	h := http.Header{"Content-Type": {"application/feed+json; charset=utf-8"}}
	if hook.Secret != "" {
		h.Set("X-Tributary-Signature", sign(hook.Secret, body))
	}
	h.Set("X-Tributary-Feed", f.Slug)
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := s.plain.do(ctx, http.MethodPost, hook.URL, h, body)
	if err != nil {
		return err
	}
	if resp.status < 200 || resp.status > 299 {
		return fmt.Errorf("webhook answered %d", resp.status)
	}
	return nil
}

// webhookDoc is the JSON Feed 1.1 document of the new items: the feed's
// own top-level fields (title, feed_url, ...) with only these items.
func (s *Service) webhookDoc(ctx context.Context, c *compiled, slug string, ds []store.Delivery) ([]byte, error) {
	head := map[string]json.RawMessage{}
	if rd := s.render(ctx, slug, feeds.JSON); rd != nil {
		_ = json.Unmarshal(rd.Body, &head) // a failure leaves the defaults below
	}
	set := func(k string, v any) {
		if _, ok := head[k]; !ok {
			head[k], _ = json.Marshal(v)
		}
	}
	delete(head, "hubs") // a webhook is no WebSub subscription
	head["version"] = json.RawMessage(`"https://jsonfeed.org/version/1.1"`)
	set("title", slug)
	set("home_page_url", c.base+"/")
	set("feed_url", c.base+"/feeds/"+slug+".json")
	items := make([]json.RawMessage, len(ds))
	for i, d := range ds {
		items[i] = json.RawMessage(d.Payload)
	}
	raw, err := json.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("encode webhook: %w", err)
	}
	head["items"] = raw
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(head); err != nil {
		return nil, fmt.Errorf("encode webhook: %w", err)
	}
	return b.Bytes(), nil
}
