// Package build turns a configured source into a runnable sources.Source of
// the right kind. It is the one place that knows every kind, so the
// scheduler and the fetch command share it.
package build

import (
	"fmt"
	"log/slog"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/limit"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/feed"
	"github.com/tributaryfeeds/tributary/sources/files"
	"github.com/tributaryfeeds/tributary/sources/fulltext"
	"github.com/tributaryfeeds/tributary/sources/html"
	"github.com/tributaryfeeds/tributary/sources/json"
	"github.com/tributaryfeeds/tributary/sources/rewrite"
)

// Client returns the HTTP client every source of cfg shares, so connections
// to one host are pooled across sources. hosts is fetch.per_host's limit,
// shared with the scheduler; nil limits nothing.
func Client(cfg *config.Config, hosts *limit.Hosts) *sources.Client {
	return sources.NewClient(sources.ClientOptions{
		Timeout:      cfg.Client.Timeout,
		UserAgent:    cfg.Client.UserAgent,
		MaxBody:      cfg.Client.MaxBody,
		AllowPrivate: cfg.Client.AllowPrivate,
		Hosts:        hosts,
	})
}

// Source builds src from its compiled values (config.Parse or
// config.Compile filled them); errors here name the source.
func Source(src config.Source, client *sources.Client, logger *slog.Logger) (sources.Source, error) {
	c := src.Compiled
	if c == nil {
		return nil, fmt.Errorf("source %s: not compiled (config.Parse or Config.Compile fills it)", src.Name)
	}
	var (
		s   sources.Source
		err error
	)
	// The source's own HTTP options go with its requests to its own host.
	client = client.ForSource(src.URL, c.HTTP)
	switch src.Kind {
	case config.KindFeed:
		s = feed.New(feed.Options{URL: src.URL, Client: client})
	case config.KindHTML:
		s, err = html.New(html.Options{URL: src.URL, Select: c.Select, Next: c.Next, Pages: c.Pages, Location: c.Location, Client: client})
	case config.KindJSON:
		s, err = json.New(json.Options{URL: src.URL, Select: c.Select, Next: c.Next, Pages: c.Pages, Location: c.Location, Client: client})
	case config.KindFiles:
		s = files.New(files.Options{Dir: src.Path, BaseURL: src.BaseURL, Location: c.Location, Logger: logger})
	default:
		return nil, fmt.Errorf("source %s: unknown kind %q", src.Name, src.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	if src.FullText {
		s, err = fulltext.Wrap(s, fulltext.Options{
			Client: client, Selector: c.Content, Logger: logger, Site: ownSite(src),
		})
		if err != nil {
			return nil, fmt.Errorf("source %s: full text: %w", src.Name, err)
		}
	}
	return rewrite.Wrap(s, c.Rewrite), nil
}

// ownSite is the URL whose host the operator chose for src: its url, or the
// base_url of a files source.
func ownSite(src config.Source) string {
	if src.URL != "" {
		return src.URL
	}
	return src.BaseURL
}
