package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// RunPush runs the conformance suite of store.Pusher. Beyond what the
// interface documents, it pins down:
//   - Claim returns deliveries by ID, ascending; IDs grow in queue order.
//   - A delivery claimed by one owner is not claimed again until its lease
//     ends, and Retry makes it due at its new time, whoever claims it.
//   - Concurrent QueueTopic or QueueNew calls with the same version or keys
//     queue each delivery once, and concurrent Claims never share one.
func RunPush(t *testing.T, o Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Pusher)
	}{
		{"Subscriptions", testSubscriptions},
		{"QueueTopic", testQueueTopic},
		{"QueueTopicConcurrent", testQueueTopicConcurrent},
		{"QueueNew", testQueueNew},
		{"QueueNewForgets", testQueueNewForgets},
		{"QueueNewConcurrent", testQueueNewConcurrent},
		{"ClaimLease", testClaimLease},
		{"ClaimConcurrent", testClaimConcurrent},
		{"Retry", testRetry},
		{"Upstream", testUpstream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, o)
			p, ok := s.(store.Pusher)
			if !ok {
				t.Fatalf("%T does not implement store.Pusher", s)
			}
			tt.fn(t, p)
		})
	}
	t.Run("PushReopen", func(t *testing.T) {
		t.Parallel()
		testPushReopen(t, o)
	})
}

func sub(topic, callback string, expires time.Time) store.Subscription {
	return store.Subscription{Topic: topic, Callback: callback, Secret: "s3cret-" + callback, Expires: expires}
}

func putSub(tb testing.TB, p store.Pusher, s store.Subscription) {
	tb.Helper()
	if err := p.PutSubscription(context.Background(), s); err != nil {
		tb.Fatalf("PutSubscription: %v", err)
	}
}

func claim(tb testing.TB, p store.Pusher, owner string, now time.Time, limit int) []store.Delivery {
	tb.Helper()
	ds, err := p.Claim(context.Background(), owner, now, time.Minute, limit)
	if err != nil {
		tb.Fatalf("Claim: %v", err)
	}
	return ds
}

func targets(ds []store.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Kind + " " + d.Target + " " + d.Topic + " " + string(d.Payload)
	}
	return out
}

func testSubscriptions(t *testing.T, p store.Pusher) {
	ctx := context.Background()
	putSub(t, p, sub("https://t/b", "https://cb/2", t0.Add(time.Hour)))
	putSub(t, p, sub("https://t/a", "https://cb/1", t0.Add(time.Hour)))
	putSub(t, p, sub("https://t/a", "https://cb/0", t0.Add(-time.Second))) // expired
	got, err := p.Subscriptions(ctx, "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Callback != "https://cb/1" || got[1].Callback != "https://cb/2" {
		t.Fatalf("Subscriptions = %+v, want cb/1 then cb/2 (the expired one left out)", got)
	}
	if got[0].Secret != "s3cret-https://cb/1" || !sameTime(got[0].Expires, t0.Add(time.Hour)) {
		t.Errorf("subscription round trip: %+v", got[0])
	}
	one, err := p.Subscription(ctx, "https://t/b", "https://cb/2", t0)
	if err != nil || one.Secret != "s3cret-https://cb/2" || !sameTime(one.Expires, t0.Add(time.Hour)) || one.Topic != "https://t/b" {
		t.Errorf("Subscription = %+v, %v", one, err)
	}
	if _, err := p.Subscription(ctx, "https://t/a", "https://cb/0", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired Subscription: err = %v, want ErrNotFound", err)
	}
	if _, err := p.Subscription(ctx, "https://t/a", "https://cb/2", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Subscription of another topic: err = %v, want ErrNotFound", err)
	}
	if n, err := p.CountSubscriptions(ctx, t0); err != nil || n != 2 {
		t.Errorf("CountSubscriptions = %d, %v; want 2", n, err)
	}
	// Renewal moves the lease and the secret and keeps one row.
	renewed := sub("https://t/a", "https://cb/1", t0.Add(48*time.Hour))
	renewed.Secret = ""
	putSub(t, p, renewed)
	got, _ = p.Subscriptions(ctx, "https://t/a", t0.Add(24*time.Hour))
	if len(got) != 1 || got[0].Secret != "" || !sameTime(got[0].Expires, t0.Add(48*time.Hour)) {
		t.Fatalf("after renewal: %+v", got)
	}
	if err := p.DeleteSubscription(ctx, "https://t/a", "https://cb/1"); err != nil {
		t.Fatal(err)
	}
	if err := p.DeleteSubscription(ctx, "https://t/a", "https://cb/none"); err != nil {
		t.Errorf("deleting no subscription: %v", err)
	}
	got, _ = p.Subscriptions(ctx, "https://t/a", t0)
	if len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
}

func testQueueTopic(t *testing.T, p store.Pusher) {
	ctx := context.Background()
	putSub(t, p, sub("https://t/a", "https://cb/1", t0.Add(time.Hour)))
	putSub(t, p, sub("https://t/a", "https://cb/2", t0.Add(time.Hour)))
	putSub(t, p, sub("https://t/a", "https://cb/old", t0.Add(-time.Hour)))
	putSub(t, p, sub("https://t/b", "https://cb/3", t0.Add(time.Hour)))
	queue := func(version string, want int) {
		t.Helper()
		n, err := p.QueueTopic(ctx, "https://t/a", version, t0)
		if err != nil || n != want {
			t.Fatalf("QueueTopic(%s) = %d, %v; want %d", version, n, err, want)
		}
	}
	queue("v1", 2)
	queue("v1", 0) // the same version again: already queued
	queue("v2", 2)
	got := targets(claim(t, p, "r1", t0, 10))
	want := []string{
		"websub https://cb/1 https://t/a ", "websub https://cb/2 https://t/a ",
		"websub https://cb/1 https://t/a ", "websub https://cb/2 https://t/a ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("claimed %q, want %q", got, want)
	}
	subs, _ := p.Subscriptions(ctx, "https://t/a", t0)
	if subs[0].Version != "v2" {
		t.Errorf("Version = %q, want v2", subs[0].Version)
	}
	// Unsubscribing drops what is still queued for the callback.
	queue("v3", 2)
	if err := p.DeleteSubscription(ctx, "https://t/a", "https://cb/1"); err != nil {
		t.Fatal(err)
	}
	pending, err := p.Pending(ctx)
	if err != nil || pending[store.KindWebSub] != 3 {
		t.Errorf("Pending = %v, %v; want 3 websub, all for cb/2", pending, err)
	}
}

func testQueueTopicConcurrent(t *testing.T, p store.Pusher) {
	for i := range 5 {
		putSub(t, p, sub("https://t/a", fmt.Sprintf("https://cb/%d", i), t0.Add(time.Hour)))
	}
	var wg sync.WaitGroup
	total := make([]int, 8)
	for i := range total {
		wg.Go(func() {
			n, err := p.QueueTopic(context.Background(), "https://t/a", "v1", t0)
			if err != nil {
				t.Errorf("QueueTopic: %v", err)
			}
			total[i] = n
		})
	}
	wg.Wait()
	var sum int
	for _, n := range total {
		sum += n
	}
	if sum != 5 {
		t.Errorf("replicas queued %d deliveries in all, want 5 (one per subscriber)", sum)
	}
	if got := claim(t, p, "r", t0, 100); len(got) != 5 {
		t.Errorf("claimed %d, want 5", len(got))
	}
}

func notices(keys ...string) []store.Notice {
	out := make([]store.Notice, len(keys))
	for i, k := range keys {
		out[i] = store.Notice{Key: k, Delivery: store.Delivery{Kind: store.KindWebhook, Target: "hook", Topic: "world", Payload: []byte(k)}}
	}
	return out
}

func queueNew(tb testing.TB, p store.Pusher, group string, now time.Time, keys ...string) int {
	tb.Helper()
	n, err := p.QueueNew(context.Background(), group, notices(keys...), now)
	if err != nil {
		tb.Fatalf("QueueNew: %v", err)
	}
	return n
}

func testQueueNew(t *testing.T, p store.Pusher) {
	if n := queueNew(t, p, "g", t0, "a", "b"); n != 0 {
		t.Errorf("first call queued %d, want 0 (it only records)", n)
	}
	if n := queueNew(t, p, "g", t0, "a", "b", "c", "d"); n != 2 {
		t.Errorf("queued %d, want 2 (c, d)", n)
	}
	if n := queueNew(t, p, "g", t0, "b", "c", "e"); n != 1 {
		t.Errorf("queued %d, want 1 (e)", n)
	}
	// Another group is independent, and its first call records only.
	if n := queueNew(t, p, "h", t0); n != 0 {
		t.Errorf("empty first call queued %d", n)
	}
	if n := queueNew(t, p, "h", t0, "a"); n != 1 {
		t.Errorf("group h: queued %d, want 1 (its first call passed nothing)", n)
	}
	got := targets(claim(t, p, "r", t0, 10))
	want := []string{"webhook hook world c", "webhook hook world d", "webhook hook world e", "webhook hook world a"}
	if !slices.Equal(got, want) {
		t.Errorf("claimed %q, want %q", got, want)
	}
}

func testQueueNewForgets(t *testing.T, p store.Pusher) {
	queueNew(t, p, "g", t0, "a", "b")
	// b is seen again later; a is not seen for longer than the memory.
	later := t0.Add(store.NoticeMemory / 2)
	queueNew(t, p, "g", later, "b")
	muchLater := t0.Add(store.NoticeMemory + time.Hour)
	if n := queueNew(t, p, "g", muchLater, "a", "b"); n != 1 {
		t.Errorf("queued %d, want 1: a was forgotten, b remembered", n)
	}
}

func testQueueNewConcurrent(t *testing.T, p store.Pusher) {
	queueNew(t, p, "g", t0)
	var wg sync.WaitGroup
	counts := make([]int, 6)
	for i := range counts {
		wg.Go(func() {
			n, err := p.QueueNew(context.Background(), "g", notices("x", "y", "z"), t0)
			if err != nil {
				t.Errorf("QueueNew: %v", err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	var sum int
	for _, n := range counts {
		sum += n
	}
	if sum != 3 {
		t.Errorf("replicas queued %d in all, want 3 (each key once)", sum)
	}
}

func testClaimLease(t *testing.T, p store.Pusher) {
	queueNew(t, p, "g", t0)
	queueNew(t, p, "g", t0, "a", "b", "c")
	first := claim(t, p, "r1", t0, 2)
	if got := targets(first); len(got) != 2 || string(first[0].Payload) != "a" || string(first[1].Payload) != "b" {
		t.Fatalf("r1 claimed %q, want a, b", got)
	}
	second := claim(t, p, "r2", t0, 10)
	if len(second) != 1 || string(second[0].Payload) != "c" {
		t.Fatalf("r2 claimed %q, want c only: a, b are held", targets(second))
	}
	if got := claim(t, p, "r2", t0.Add(30*time.Second), 10); len(got) != 0 {
		t.Errorf("claimed %q within the lease", targets(got))
	}
	// r1 died: once its lease ends, the deliveries it held are due again.
	again := claim(t, p, "r2", t0.Add(2*time.Minute), 10)
	if len(again) != 3 {
		t.Errorf("after the leases ended: claimed %q, want all 3", targets(again))
	}
	for _, d := range again {
		if err := p.Done(context.Background(), d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := claim(t, p, "r3", t0.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("done deliveries claimed again: %q", targets(got))
	}
}

func testClaimConcurrent(t *testing.T, p store.Pusher) {
	queueNew(t, p, "g", t0)
	var keys []string
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("k%02d", i))
	}
	queueNew(t, p, "g", t0, keys...)
	var mu sync.Mutex
	seen := make(map[int64]string)
	var wg sync.WaitGroup
	for r := range 4 {
		owner := fmt.Sprintf("r%d", r)
		wg.Go(func() {
			for {
				ds, err := p.Claim(context.Background(), owner, t0, time.Minute, 3)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					if prev, dup := seen[d.ID]; dup {
						t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, owner)
					}
					seen[d.ID] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Errorf("claimed %d distinct deliveries, want 40", len(seen))
	}
}

func testRetry(t *testing.T, p store.Pusher) {
	ctx := context.Background()
	queueNew(t, p, "g", t0)
	queueNew(t, p, "g", t0, "a")
	d := claim(t, p, "r1", t0, 1)[0]
	if d.Attempts != 0 {
		t.Errorf("Attempts = %d before any failure", d.Attempts)
	}
	if err := p.Retry(ctx, d.ID, t0.Add(10*time.Minute), "503 Service Unavailable"); err != nil {
		t.Fatal(err)
	}
	if got := claim(t, p, "r2", t0.Add(5*time.Minute), 1); len(got) != 0 {
		t.Errorf("claimed before its retry time: %q", targets(got))
	}
	got := claim(t, p, "r2", t0.Add(10*time.Minute), 1)
	if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "503 Service Unavailable" || string(got[0].Payload) != "a" {
		t.Fatalf("after retry: %+v", got)
	}
	if !sameTime(got[0].NotBefore, t0.Add(10*time.Minute)) {
		t.Errorf("NotBefore = %v", got[0].NotBefore)
	}
	pending, err := p.Pending(ctx)
	if err != nil || pending[store.KindWebhook] != 1 || len(pending) != 1 {
		t.Errorf("Pending = %v, %v", pending, err)
	}
}

func testUpstream(t *testing.T, p store.Pusher) {
	ctx := context.Background()
	if _, err := p.Upstream(ctx, "wire"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown upstream: err = %v, want ErrNotFound", err)
	}
	u := store.Upstream{
		Source: "wire", Hub: "https://hub.example/", Topic: "https://example.org/feed",
		TokenHash: []byte{1, 2, 3, 4}, Secret: "sekrit", Updated: t0,
	}
	if err := p.SetUpstream(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := p.Upstream(ctx, "wire")
	if err != nil {
		t.Fatal(err)
	}
	if got.Hub != u.Hub || got.Topic != u.Topic || string(got.TokenHash) != string(u.TokenHash) ||
		got.Secret != u.Secret || got.Active || !got.Expires.IsZero() || !sameTime(got.Updated, t0) {
		t.Errorf("pending upstream round trip: %+v", got)
	}
	u.Active, u.Expires = true, t0.Add(240*time.Hour)
	if err := p.SetUpstream(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, _ = p.Upstream(ctx, "wire"); !got.Active || !sameTime(got.Expires, u.Expires) {
		t.Errorf("verified upstream: %+v", got)
	}
	if err := p.DeleteUpstream(ctx, "wire"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Upstream(ctx, "wire"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: err = %v", err)
	}
}

// testPushReopen checks that the outbox and the subscriptions survive a
// restart: nothing queued is lost.
func testPushReopen(t *testing.T, o Opener) {
	loc := o.Location(t)
	s := o.Open(t, loc)
	p := s.(store.Pusher)
	putSub(t, p, sub("https://t/a", "https://cb/1", t0.Add(time.Hour)))
	if _, err := p.QueueTopic(context.Background(), "https://t/a", "v1", t0); err != nil {
		t.Fatal(err)
	}
	claim(t, p, "dies", t0, 1) // claimed, never done
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = o.Open(t, loc)
	defer s.Close()
	p = s.(store.Pusher)
	if subs, _ := p.Subscriptions(context.Background(), "", t0); len(subs) != 1 {
		t.Errorf("subscriptions after reopen: %+v", subs)
	}
	if got := claim(t, p, "next", t0.Add(2*time.Minute), 10); len(got) != 1 || got[0].Target != "https://cb/1" {
		t.Errorf("outbox after reopen: %q", targets(got))
	}
}
