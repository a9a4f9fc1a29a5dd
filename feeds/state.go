package feeds

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/config"
)

// feedConf is one configured feed, resolved and compiled once per config.
type feedConf struct {
	slug         string
	win          *window
	meta         Meta // FeedURL is set per format at render time
	feedURL      [numFormats]string
	link         [numFormats]string // the Link header: hubs and self
	cacheControl string
	access       *Access     // nil: public
	archive      bool        // RFC 5005 archive pages
	base         string      // base_url without the trailing slash
	fingerprint  string      // what, when it changes, requires a new render
	entry        *cacheEntry // cached renders, kept across reloads that leave the feed alone
}

// state is an immutable view of one config; a reload replaces it whole.
type state struct {
	order    []*feedConf
	bySlug   map[string]*feedConf
	bySource map[string][]string // source name -> slugs of the feeds using it
}

// newState compiles cfg. A feed whose fingerprint is the same in prev keeps
// prev's cache entry.
func newState(cfg *config.Config, now time.Time, prev *state) (*state, error) {
	st := &state{bySlug: make(map[string]*feedConf), bySource: make(map[string][]string)}
	if cfg == nil {
		return st, nil
	}
	var errs []error
	lookup := sourceLookup(cfg)
	for i := range cfg.Feeds {
		fc, err := newFeedConf(cfg, &cfg.Feeds[i], now, lookup)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fc.entry = &cacheEntry{}
		if prev != nil {
			if old := prev.bySlug[fc.slug]; old != nil && old.fingerprint == fc.fingerprint {
				fc.entry = old.entry
			}
		}
		st.order = append(st.order, fc)
		st.bySlug[fc.slug] = fc
		for _, src := range fc.win.sources {
			st.bySource[src] = append(st.bySource[src], fc.slug)
		}
	}
	return st, errors.Join(errs...)
}

func newFeedConf(cfg *config.Config, f *config.Feed, now time.Time, lookup func(string) *config.Source) (*feedConf, error) {
	win, err := newWindow(f)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.Server.BaseURL, "/")
	fc := &feedConf{
		slug:    f.Slug,
		win:     win,
		archive: f.Archive,
		base:    base,
		meta: Meta{
			Title:       f.Title,
			Description: f.Description,
			SiteURL:     base + "/",
			ID:          base + "/feeds/" + f.Slug,
			Image:       f.Image,
			TTL:         shortestInterval(lookup, win.sources),
		},
		cacheControl: cacheControlOf(shortestInterval(lookup, win.sources)),
	}
	if f.Private() {
		// Shared caches must not keep what only token holders may read.
		fc.access = NewAccess(f.Access.Tokens)
		fc.cacheControl = "private" + strings.TrimPrefix(fc.cacheControl, "public")
	}
	if fc.meta.Title == "" {
		fc.meta.Title = f.Slug
	}
	for _, fm := range formats {
		fc.feedURL[fm] = base + "/feeds/" + f.Slug + "." + fm.String()
	}
	if !f.Private() {
		// A private feed is neither advertised on a hub nor distributed.
		fc.meta.Hubs = Hubs(cfg)
		for _, fm := range formats {
			fc.link[fm] = linkHeader(fc.meta.Hubs, fc.feedURL[fm])
		}
	}
	key := *f
	key.Line = 0       // moving a feed in the file changes nothing published
	key.Compiled = nil // compiled from the fields printed
	// Tokens change who may read, not what is rendered (and %#v would
	// print the pointer, which differs on every load).
	key.Access = nil
	key.Notify = nil // webhooks change nothing rendered
	// A digest of what is printed: the text itself is about a kilobyte,
	// held for every feed.
	sum := sha256.Sum256(fmt.Appendf(nil, "%#v|%q|%s|%s|%v|%s|%s", key, win.sources, base, fc.cacheControl, f.Private(), fc.meta.TTL, strings.Join(fc.meta.Hubs, " ")))
	fc.fingerprint = string(sum[:])
	return fc, nil
}
