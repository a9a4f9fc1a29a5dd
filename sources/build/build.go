// Package build turns a configured source into a runnable sources.Source of
// the right kind. It is the one place that knows every kind, so the
// scheduler and the fetch command share it.
package build

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/internal/limit"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/browser"
	"github.com/tributaryfeeds/tributary/sources/feed"
	"github.com/tributaryfeeds/tributary/sources/files"
	"github.com/tributaryfeeds/tributary/sources/fulltext"
	"github.com/tributaryfeeds/tributary/sources/html"
	"github.com/tributaryfeeds/tributary/sources/imap"
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
// config.Compile filled them); errors here name the source. A render:
// browser source needs SourceIn with a browser.
func Source(src config.Source, client *sources.Client, logger *slog.Logger) (sources.Source, error) {
	return SourceIn(src, Env{Client: client, Logger: logger})
}

// Env is what sources are built with: the shared HTTP client and headless
// browser, and the logger.
type Env struct {
	Client *sources.Client
	// Browser renders the pages of render: browser sources; nil fails
	// them at build time.
	Browser *browser.Browser
	Logger  *slog.Logger
}

// SourceIn is Source with every shared piece, the browser included.
func SourceIn(src config.Source, env Env) (sources.Source, error) {
	c := src.Compiled
	if c == nil {
		return nil, fmt.Errorf("source %s: not compiled (config.Parse or Config.Compile fills it)", src.Name)
	}
	client, logger := env.Client, env.Logger
	var (
		s      sources.Source
		err    error
		render sources.Renderer // listing pages, with wait_for
		pages  sources.Renderer // full-text pages
	)
	// The source's own HTTP options go with its requests to its own host.
	client = client.ForSource(src.URL, c.HTTP)
	if c.Browser != nil {
		if env.Browser == nil {
			return nil, fmt.Errorf("source %s: render: browser needs the shared browser", src.Name)
		}
		tmpl := browserPage(src, client.Timeout())
		pages = perHost(client, env.Browser.Renderer(tmpl))
		tmpl.WaitFor = c.Browser.WaitFor
		render = perHost(client, env.Browser.Renderer(tmpl))
	}
	switch src.Kind {
	case config.KindFeed:
		s = feed.New(feed.Options{URL: src.URL, Client: client})
	case config.KindHTML:
		s, err = html.New(html.Options{URL: src.URL, Select: c.Select, Next: c.Next, Pages: c.Pages, Location: c.Location, Client: client, Render: render})
	case config.KindJSON:
		s, err = json.New(json.Options{URL: src.URL, Select: c.Select, Next: c.Next, Pages: c.Pages, Location: c.Location, Client: client})
	case config.KindIMAP:
		m := c.IMAP
		if m == nil {
			return nil, fmt.Errorf("source %s: kind imap not compiled", src.Name)
		}
		s, err = imap.New(imap.Options{
			URL: m.URL, Username: m.Username, Password: m.Password, From: m.From,
			MarkSeen: m.MarkSeen, Since: m.Since, MaxMessage: client.MaxBody(), Logger: logger,
		})
	case config.KindFiles:
		s = files.New(files.Options{Name: src.Name, Dir: src.Path, BaseURL: src.BaseURL, Location: c.Location, Logger: logger})
	default:
		return nil, fmt.Errorf("source %s: unknown kind %q", src.Name, src.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	if src.FullText {
		s, err = fulltext.Wrap(s, fulltext.Options{
			Client: client, Selector: c.Content, Logger: logger, Site: ownSite(src), Render: pages,
		})
		if err != nil {
			return nil, fmt.Errorf("source %s: full text: %w", src.Name, err)
		}
	}
	return rewrite.Wrap(s, c.Rewrite), nil
}

// perHost makes each rendered page count against fetch.per_host, as a
// request of the client does.
func perHost(client *sources.Client, r sources.Renderer) sources.Renderer {
	return func(ctx context.Context, url string) (*sources.Response, string, error) {
		release, err := client.HostSlot(ctx, url)
		if err != nil {
			return nil, "", err
		}
		defer release()
		return r(ctx, url)
	}
}

// browserPage is how src's pages are rendered: within the fetch timeout,
// with the source's own request options (sources[].http), which the
// browser sends to the source's host only.
func browserPage(src config.Source, timeout time.Duration) browser.Page {
	p := browser.Page{Timeout: timeout, Site: src.URL}
	o := src.Compiled.HTTP
	if o == nil {
		return p
	}
	if len(o.Header) > 0 {
		p.Headers = make(map[string]string, len(o.Header))
		for name, vals := range o.Header {
			p.Headers[name] = strings.Join(vals, ", ")
		}
	}
	if len(o.Cookies) > 0 {
		p.Cookies = make(map[string]string, len(o.Cookies))
		for _, ck := range o.Cookies {
			p.Cookies[ck.Name] = ck.Value
		}
	}
	if o.HasAuth {
		p.BasicAuth = &browser.Credentials{Username: o.Username, Password: o.Password}
	}
	if o.Proxy != nil {
		u := *o.Proxy
		if u.User != nil {
			// Chromium takes no credentials in the proxy URL: it asks,
			// and the renderer answers the proxy's challenge.
			pw, _ := u.User.Password()
			p.ProxyAuth = &browser.Credentials{Username: u.User.Username(), Password: pw}
			u.User = nil
		}
		p.Proxy = u.String()
	}
	return p
}

// ownSite is the URL whose host the operator chose for src: its url, or the
// base_url of a files source.
func ownSite(src config.Source) string {
	if src.URL != "" {
		return src.URL
	}
	return src.BaseURL
}

// BrowserOptions are the settings of the shared headless browser for cfg:
// fetch.browser, fetch.concurrency tabs, and the client's user agent, body
// cap and private-address rule.
func BrowserOptions(cfg *config.Config, logger *slog.Logger) browser.Options {
	return browser.Options{
		Path: cfg.Browser.Path, Tabs: cfg.Browser.Tabs, UserAgent: cfg.Client.UserAgent,
		MaxBody: cfg.Client.MaxBody, AllowPrivate: cfg.Client.AllowPrivate, Logger: logger,
	}
}

// BrowserWarning is the warning check and the daemon give when some source
// renders in a browser and none is installed; "" otherwise.
func BrowserWarning(cfg *config.Config) string {
	if !cfg.Browser.Needed {
		return ""
	}
	if _, err := browser.Find(cfg.Browser.Path); err != nil {
		return "render: browser sources will fail: " + err.Error()
	}
	return ""
}
