// Package build turns a configured source into a runnable sources.Source of
// the right kind. It is the one place that knows every kind, so the
// scheduler and the fetch command share it.
package build

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/feed"
	"github.com/tributaryfeeds/tributary/sources/files"
	"github.com/tributaryfeeds/tributary/sources/fulltext"
	"github.com/tributaryfeeds/tributary/sources/html"
)

// Client returns the HTTP client every source of cfg shares, so connections
// to one host are pooled across sources.
func Client(cfg *config.Config) *sources.Client {
	return sources.NewClient(sources.ClientOptions{
		Timeout:      time.Duration(cfg.Fetch.Timeout),
		UserAgent:    cfg.Fetch.UserAgent,
		MaxBody:      int64(cfg.Fetch.MaxBody),
		PerHost:      cfg.Fetch.PerHost,
		AllowPrivate: cfg.Fetch.AllowPrivate,
	})
}

// Source builds src. The configuration is assumed valid (config.Parse
// checked it); errors here name the source.
func Source(src config.Source, client *sources.Client, logger *slog.Logger) (sources.Source, error) {
	loc := time.UTC
	if src.Timezone != "" {
		l, err := time.LoadLocation(src.Timezone)
		if err != nil {
			return nil, fmt.Errorf("source %s: timezone: %w", src.Name, err)
		}
		loc = l
	}
	var (
		s   sources.Source
		err error
	)
	switch src.Kind {
	case config.KindFeed, "":
		s = feed.New(feed.Options{URL: src.URL, Client: client})
	case config.KindHTML:
		if src.Select == nil {
			return nil, fmt.Errorf("source %s: kind html needs select", src.Name)
		}
		s, err = html.New(html.Options{URL: src.URL, Select: *src.Select, Location: loc, Client: client})
	case config.KindFiles:
		s = files.New(files.Options{Dir: src.Path, BaseURL: src.BaseURL, Location: loc, Logger: logger})
	default:
		return nil, fmt.Errorf("source %s: unknown kind %q", src.Name, src.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	if src.FullText {
		s, err = fulltext.Wrap(s, fulltext.Options{
			Client: client, Selector: src.Content, Logger: logger, Site: ownSite(src),
		})
		if err != nil {
			return nil, fmt.Errorf("source %s: full text: %w", src.Name, err)
		}
	}
	return s, nil
}

// ownSite is the URL whose host the operator chose for src: its url, or the
// base_url of a files source.
func ownSite(src config.Source) string {
	if src.URL != "" {
		return src.URL
	}
	return src.BaseURL
}
