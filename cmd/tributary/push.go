package main

import (
	"context"
	"log/slog"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/push"
	"github.com/tributaryfeeds/tributary/server"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// pushConfig is what the push service reads of cfg.
func pushConfig(cfg *config.Config) push.Config {
	pc := push.Config{
		BaseURL: cfg.Server.BaseURL,
		Builtin: cfg.Server.WebSub.Builtin,
		Hubs:    cfg.Server.WebSub.Hubs,
	}
	for _, f := range cfg.Feeds {
		pf := push.Feed{Slug: f.Slug, Private: f.Private()}
		for _, n := range f.Notify {
			pf.Notify = append(pf.Notify, push.Hook{URL: n.URL, Secret: n.Secret})
		}
		pc.Feeds = append(pc.Feeds, pf)
	}
	for _, s := range cfg.Sources {
		if s.WebSub {
			pc.Sources = append(pc.Sources, push.Source{Name: s.Name, URL: s.URL, FullText: s.FullText})
		}
	}
	return pc
}

// newPush returns the push service, or nil when the store keeps no push
// state.
func (m *Main) newPush(cfg *config.Config, owner string) (*push.Service, error) {
	ps, ok := m.store.(store.Pusher)
	if !ok {
		return nil, nil
	}
	leaser, _ := m.store.(store.Leaser)
	return push.New(push.Options{
		Store:        ps,
		Feeds:        m.publisher,
		Config:       pushConfig(cfg),
		Logger:       m.Logger.With(slog.String("component", "push")),
		Owner:        owner,
		AllowPrivate: cfg.Fetch.AllowPrivate,
		Ingest: func(ctx context.Context, source string, items []sources.Item) error {
			return m.scheduler.Ingest(ctx, source, items)
		},
		Refresh:    func(source string) error { return m.scheduler.Refresh(source) },
		Leaser:     leaser,
		Client:     m.client,
		UserAgent:  cfg.Fetch.UserAgent,
		MaxBody:    int64(cfg.Fetch.MaxBody),
		Registerer: m.metrics.Registry,
	})
}

// feedChanged tells the push service that a feed may have changed, if push
// has anything to do for it: push renders the feed to distribute it, and a
// feed that no hub, subscriber or webhook wants must stay unrendered until a
// reader asks (feeds are rendered on demand).
func (m *Main) feedChanged(slug string) {
	if m.push == nil {
		return
	}
	if wanted := m.pushFeeds.Load(); wanted == nil || !(*wanted)[slug] {
		return
	}
	m.push.Changed(slug)
}

// setPushFeeds records which feeds push acts on in cfg: public feeds when a
// hub is served or configured, and feeds with webhooks.
func (m *Main) setPushFeeds(cfg *config.Config) {
	wanted := make(map[string]bool)
	hub := cfg.Server.WebSub.Builtin || len(cfg.Server.WebSub.Hubs) > 0
	for i := range cfg.Feeds {
		f := &cfg.Feeds[i]
		if hub && !f.Private() || len(f.Notify) > 0 {
			wanted[f.Slug] = true
		}
	}
	m.pushFeeds.Store(&wanted)
}

// reloadPush hands the new configuration to the push service and ends
// the upstream subscriptions of sources that no longer want one.
func (m *Main) reloadPush(ctx context.Context, prev, next *config.Config) {
	if m.push == nil {
		return
	}
	m.setPushFeeds(next)
	m.push.SetConfig(pushConfig(next))
	still := make(map[string]bool)
	for _, s := range next.Sources {
		if s.WebSub {
			still[s.Name] = true
		}
	}
	var gone []string
	for _, s := range prev.Sources {
		if s.WebSub && !still[s.Name] {
			gone = append(gone, s.Name)
		}
	}
	if len(gone) > 0 {
		go m.push.Unsubscribe(context.WithoutCancel(ctx), gone)
	}
}

// webSubHandler is the server's view of the push service; a nil interface
// (not a typed nil) when there is none.
func (m *Main) webSubHandler() server.WebSub {
	if m.push == nil {
		return nil
	}
	return m.push
}
