package html

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/tributaryfeeds/tributary/sources"
)

// BaseURL returns the URL that relative links in doc resolve against: the
// first <base href> resolved against pageURL, else pageURL itself.
func BaseURL(doc *goquery.Document, pageURL *url.URL) *url.URL {
	href, ok := doc.Find("base[href]").First().Attr("href")
	if !ok {
		return pageURL
	}
	u, err := pageURL.Parse(strings.TrimSpace(href))
	if err != nil || !sources.IsWebURL(u) {
		return pageURL
	}
	return u
}

// urlAttrs are the attributes holding one URL that Absolutize rewrites.
var urlAttrs = [...]string{"href", "src", "poster", "cite"}

// Absolutize rewrites the URL attributes (href, src, poster, cite, srcset)
// of sel's elements and their descendants to absolute URLs against base.
// References that cannot be made absolute http(s) URLs are left as they are
// for the sanitizer to judge, except fragments, which stay page-local, and
// srcset candidates, which are dropped (the sanitizer would drop them too).
func Absolutize(sel *goquery.Selection, base *url.URL) {
	all := sel.Find("[href], [src], [poster], [cite], [srcset]").AddSelection(sel)
	all.Each(func(_ int, el *goquery.Selection) {
		for _, name := range urlAttrs {
			v, ok := el.Attr(name)
			if !ok || strings.HasPrefix(strings.TrimSpace(v), "#") {
				continue
			}
			if abs := sources.ResolveURL(base, v); abs != "" {
				el.SetAttr(name, abs)
			}
		}
		if v, ok := el.Attr("srcset"); ok {
			if abs := sources.ResolveSrcset(base, v); abs != "" {
				el.SetAttr("srcset", abs)
			} else {
				el.RemoveAttr("srcset")
			}
		}
	})
}
