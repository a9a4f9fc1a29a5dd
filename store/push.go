package store

import (
	"context"
	"time"
)

// Delivery kinds in the push outbox.
const (
	// KindWebSub delivers a topic's current body to a subscriber of the
	// built-in hub. Target is the callback, Topic the feed URL; the body is
	// rendered when it is sent, so a late retry sends the latest version.
	KindWebSub = "websub"
	// KindPing tells an external hub that a topic changed. Target is the
	// hub, Topic the feed URL.
	KindPing = "ping"
	// KindWebhook posts new items of a feed. Target names the hook (see
	// the push package), Topic is the feed's slug and Payload one item.
	KindWebhook = "webhook"
)

// Subscription is a subscriber of the built-in WebSub hub: one callback
// for one topic until its lease ends.
type Subscription struct {
	Topic    string
	Callback string
	// Secret is the subscriber's hub.secret; empty sends deliveries
	// unsigned. It must never be logged or shown.
	Secret  string
	Expires time.Time
	// Version is the content version last queued for this subscription;
	// QueueTopic sets it.
	Version string
}

// Delivery is one push waiting in the outbox.
type Delivery struct {
	ID      int64
	Kind    string // KindWebSub, KindPing or KindWebhook
	Target  string
	Topic   string
	Payload []byte
	// Attempts counts the failed attempts so far.
	Attempts int
	// NotBefore is when the delivery is due.
	NotBefore time.Time
	// LastError is the last failure, for status pages.
	LastError string
}

// Notice is a candidate for QueueNew: a key (an item, a topic version) and
// the delivery to queue when the key is new.
type Notice struct {
	Key      string
	Delivery Delivery
}

// Upstream is tributary's own subscription, as a WebSub subscriber, to the
// hub of one source's upstream feed.
type Upstream struct {
	Source string
	Hub    string
	Topic  string
	// TokenHash is the SHA-256 of the callback's unguessable path token;
	// the token itself is kept nowhere.
	TokenHash []byte
	// Secret is the hub.secret sent to the hub; pushes are signed with it.
	Secret string
	// Active is set once the hub has verified the subscription.
	Active bool
	// Expires is when the lease ends (zero while pending).
	Expires time.Time
	// Updated is when the subscription was last requested or verified.
	Updated time.Time
}

// NoticeMemory is how long QueueNew remembers a key that it no longer sees:
// a key that comes back within it is not new again.
const NoticeMemory = 7 * 24 * time.Hour

// Pusher is implemented by stores that keep the push state: the built-in
// hub's subscriptions, the outbox of deliveries (hub content distribution,
// hub pings, webhooks) and tributary's upstream subscriptions. Every queued
// delivery is claimed by one process at a time, so replicas sharing a store
// send each one once. Keys, groups and targets hold no NUL byte, which
// PostgreSQL text cannot store.
type Pusher interface {
	// PutSubscription adds the subscription of (Topic, Callback) or renews
	// it, keeping its Version.
	PutSubscription(ctx context.Context, sub Subscription) error
	// DeleteSubscription removes a subscription and its queued deliveries;
	// removing none is no error.
	DeleteSubscription(ctx context.Context, topic, callback string) error
	// Subscriptions lists the subscriptions of topic (every topic when
	// empty) whose lease has not ended at now, by topic then callback.
	Subscriptions(ctx context.Context, topic string, now time.Time) ([]Subscription, error)
	// Subscription returns the subscription of (topic, callback) if its
	// lease has not ended at now, else ErrNotFound.
	Subscription(ctx context.Context, topic, callback string, now time.Time) (Subscription, error)
	// CountSubscriptions counts the subscriptions whose lease has not
	// ended at now.
	CountSubscriptions(ctx context.Context, now time.Time) (int, error)
	// QueueTopic queues a KindWebSub delivery, due at now, for every
	// subscription of topic active at now whose Version is not version, and
	// sets their Version, in one transaction: replicas that see the same
	// change queue it once. It returns how many it queued.
	QueueTopic(ctx context.Context, topic, version string, now time.Time) (int, error)
	// QueueNew queues the delivery of each notice whose key group has not
	// recorded, and records the key. The first call for a group records
	// every key and queues nothing, so that what exists when a hook is
	// configured is not sent. Keys of the group not passed for NoticeMemory
	// are forgotten. It returns how many it queued.
	QueueNew(ctx context.Context, group string, notices []Notice, now time.Time) (int, error)
	// Claim takes up to limit deliveries due at now, oldest first, that no
	// one holds, and holds them for owner until now+lease.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// Done removes a delivery that was sent or given up.
	Done(ctx context.Context, id int64) error
	// Retry releases a claimed delivery for another attempt at notBefore,
	// counting a failed attempt.
	Retry(ctx context.Context, id int64, notBefore time.Time, lastErr string) error
	// Pending counts the queued deliveries by kind.
	Pending(ctx context.Context) (map[string]int, error)

	// Upstream returns the upstream subscription of source, or
	// ErrNotFound.
	Upstream(ctx context.Context, source string) (Upstream, error)
	// SetUpstream saves a source's upstream subscription.
	SetUpstream(ctx context.Context, u Upstream) error
	// DeleteUpstream forgets a source's upstream subscription.
	DeleteUpstream(ctx context.Context, source string) error
}
