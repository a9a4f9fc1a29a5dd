package feed

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
)

// This file reads the fields gofeed's universal item flattens or drops:
// whether a title is HTML, links other than the first, GUID permalinks,
// authors written as free text, and dates in forms gofeed does not know.

// extra is what the original document says about one item beyond gofeed's
// universal item.
type extra struct {
	kind      string // gofeed's FeedType: "rss", "atom" or "json"
	titleType string // the type attribute of the title, from the pre-pass
	rss       *rss.Item
	atom      *atom.Entry
}

// itemTitle is the item's title as plain text. Only an HTML title has its
// tags removed (and its entities decoded once): an Atom title of type html
// or xhtml, or an RSS title that looks like HTML. A plain-text title keeps
// what it says, angle brackets included ("History of the <blink> tag").
// Without a title, the media:title of the item is used.
func itemTitle(gi *gofeed.Item, x extra) string {
	raw := gi.Title
	if strings.TrimSpace(raw) == "" {
		return collapse(mediaTitle(gi.Extensions))
	}
	if titleIsHTML(x, raw) {
		return sources.PlainText(raw)
	}
	return collapse(raw)
}

func titleIsHTML(x extra, raw string) bool {
	switch x.kind {
	case "json":
		return false
	case "atom":
		// Atom 1.0 says html or xhtml; Atom 0.3 gives a media type
		// (text/html, application/xhtml+xml).
		return strings.Contains(x.titleType, "html")
	}
	return looksLikeHTML(raw)
}

var (
	closeTag   = regexp.MustCompile(`</(\w+)>`)
	entityRef  = regexp.MustCompile(`&#?\w+;`)
	anyTag     = regexp.MustCompile(`</?(\w+)`)
	namedRef   = regexp.MustCompile(`&(\w+);`)
	htmlTitled = map[string]bool{}
)

func init() {
	// The elements Python feedparser accepts in HTML; a title with any other
	// tag ("<blink>", "<T>") is text that happens to contain angle brackets.
	for _, e := range strings.Fields(`a abbr acronym address area article aside audio b big blockquote br
		button canvas caption center cite code col colgroup command datagrid datalist dd del details dfn
		dialog dir div dl dt em event-source fieldset figcaption figure footer font form header h1 h2 h3
		h4 h5 h6 hr i img input ins keygen kbd label legend li m map menu meter multicol nav nextid ol
		output optgroup option p pre progress q s samp section select small sound source spacer span
		strike strong sub sup table tbody td textarea time tfoot th thead tr tt u ul var video noscript`) {
		htmlTitled[e] = true
	}
}

// looksLikeHTML is Python feedparser's test for text of unknown type: it
// has an end tag or an entity reference, every tag is a known HTML element
// and every named reference a known entity.
func looksLikeHTML(s string) bool {
	if !closeTag.MatchString(s) && !entityRef.MatchString(s) {
		return false
	}
	for _, m := range anyTag.FindAllStringSubmatch(s, -1) {
		if !htmlTitled[strings.ToLower(m[1])] {
			return false
		}
	}
	for _, m := range namedRef.FindAllStringSubmatch(s, -1) {
		if sources.PlainText("&"+m[1]+";") == "&"+m[1]+";" {
			return false
		}
	}
	return true
}

// mediaTitle is the item's media:title, directly or in its media:content
// or media:group.
func mediaTitle(exts ext.Extensions) string {
	media := exts["media"]
	if media == nil {
		return ""
	}
	for _, e := range media["title"] {
		if t := strings.TrimSpace(e.Value); t != "" {
			return t
		}
	}
	for _, parent := range []string{"group", "content"} {
		for _, p := range media[parent] {
			for _, e := range p.Children["title"] {
				if t := strings.TrimSpace(e.Value); t != "" {
					return t
				}
			}
			for _, c := range p.Children["content"] { // media:group/media:content/media:title
				for _, e := range c.Children["title"] {
					if t := strings.TrimSpace(e.Value); t != "" {
						return t
					}
				}
			}
		}
	}
	return ""
}

func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}

// itemLink is the item's web page, made absolute: for Atom the first
// alternate link that is a web address (a gemini: alternate before the
// text/html one is skipped), never rel="self"; for RSS the <link>, else an
// atom:link or a10:link alternate (feeds written by .NET), else the GUID
// when it is a permalink (isPermaLink is not "false") and a web address;
// for JSON Feed the url, else the external_url.
func itemLink(gi *gofeed.Item, x extra, base *url.URL) string {
	if x.atom != nil {
		for _, l := range x.atom.Links {
			if rel := strings.ToLower(strings.TrimSpace(l.Rel)); rel != "" && rel != "alternate" {
				continue
			}
			if u := sources.ResolveURL(base, l.Href); u != "" {
				return u
			}
		}
		return ""
	}
	if u := sources.ResolveURL(base, gi.Link); u != "" {
		return u
	}
	if x.kind == "rss" {
		for _, l := range gi.Extensions["atom"]["link"] {
			if rel := strings.ToLower(strings.TrimSpace(l.Attrs["rel"])); rel != "" && rel != "alternate" {
				continue
			}
			if u := sources.ResolveURL(base, l.Attrs["href"]); u != "" {
				return u
			}
		}
	}
	for _, l := range gi.Links {
		if u := sources.ResolveURL(base, l); u != "" {
			return u
		}
	}
	if x.rss != nil && x.rss.GUID != nil && strings.EqualFold(strings.TrimSpace(x.rss.GUID.IsPermalink), "false") {
		return ""
	}
	return sources.ResolveURL(nil, gi.GUID)
}

// rssAuthors reads an RSS item's author as written: <author>, dc:author,
// dc:creator, itunes:author, the first that is set. An address is split
// into name and e-mail ("jo@example.org (Jo)", "Jo <jo@example.org>");
// anything else ("@lawnchairapp", "Donna Lu (now) and Christopher Knaus
// (earlier)") is the name as written. Nil when the item names nobody.
func rssAuthors(gi *gofeed.Item, it *rss.Item) []sources.Author {
	var raw string
	switch {
	case it != nil && strings.TrimSpace(it.Author) != "":
		raw = it.Author
	case gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Author) > 0:
		raw = gi.DublinCoreExt.Author[0]
	case gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Creator) > 0:
		raw = gi.DublinCoreExt.Creator[0]
	case gi.ITunesExt != nil:
		raw = gi.ITunesExt.Author
	}
	// As written, unless it is HTML (a WordPress byline with <b>), whose
	// tags go as they do from an HTML title.
	if looksLikeHTML(raw) {
		raw = sources.PlainText(raw)
	} else {
		raw = collapse(raw)
	}
	if raw == "" {
		return nil
	}
	return []sources.Author{personFromText(raw)}
}

var emailParen = regexp.MustCompile(`^([^\s()<>@]+@[^\s()<>@]+\.[^\s()<>@]+)\s*\(([^()]*)\)$`)

func personFromText(s string) sources.Author {
	if m := emailParen.FindStringSubmatch(s); m != nil {
		return sources.Author{Name: strings.TrimSpace(m[2]), Email: m[1]}
	}
	if a, err := mail.ParseAddress(s); err == nil && strings.Contains(a.Address, ".") {
		return sources.Author{Name: a.Name, Email: a.Address}
	}
	return sources.Author{Name: s}
}

// parseDate reads a date gofeed could not ("2018-01-06T08:00", "Sat Oct 06
// 2018 00:00:00 GMT", "2020/1/10 14:33:00"), leniently; a date without a
// zone is UTC. Relative forms ("3 hours ago") are not dates in a feed.
func parseDate(parsed *time.Time, raw string) *time.Time {
	if parsed != nil {
		return parsed
	}
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.Contains(strings.ToLower(raw), "ago") {
		return nil
	}
	t, err := article.ParseDate(raw, time.UTC, time.Time{})
	if err != nil || t.IsZero() {
		return nil
	}
	return &t
}
