package html

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// BaseURL returns the URL that relative links in doc resolve against: the
// first <base href> resolved against pageURL, else pageURL itself.
func BaseURL(doc *goquery.Document, pageURL *url.URL) *url.URL {
	href, ok := doc.Find("base[href]").First().Attr("href")
	if !ok {
		return pageURL
	}
	u, err := pageURL.Parse(strings.TrimSpace(href))
	if err != nil || !isWeb(u) {
		return pageURL
	}
	return u
}

// Resolve makes ref absolute against base. It returns "" for references
// that are empty, unparsable or not http(s) (javascript:, mailto:, data:).
func Resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || !isWeb(u) {
		return ""
	}
	return u.String()
}

func isWeb(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// urlAttrs are the attributes holding one URL that Absolutize rewrites.
var urlAttrs = [...]string{"href", "src", "poster", "cite"}

// Absolutize rewrites the URL attributes (href, src, poster, cite, srcset)
// of sel's elements and their descendants to absolute URLs against base.
// References that cannot be made absolute http(s) URLs are left as they are
// for the sanitizer to judge, except fragments, which stay page-local.
func Absolutize(sel *goquery.Selection, base *url.URL) {
	all := sel.Find("[href], [src], [poster], [cite], [srcset]").AddSelection(sel)
	all.Each(func(_ int, el *goquery.Selection) {
		for _, name := range urlAttrs {
			v, ok := el.Attr(name)
			if !ok || strings.HasPrefix(strings.TrimSpace(v), "#") {
				continue
			}
			if abs := Resolve(base, v); abs != "" {
				el.SetAttr(name, abs)
			}
		}
		if v, ok := el.Attr("srcset"); ok {
			el.SetAttr("srcset", absSrcset(base, v))
		}
	})
}

// absSrcset resolves each candidate of a srcset ("a.jpg 1x, b.jpg 2x").
func absSrcset(base *url.URL, v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		fields := strings.Fields(p)
		if len(fields) == 0 {
			continue
		}
		if abs := Resolve(base, fields[0]); abs != "" {
			fields[0] = abs
		}
		parts[i] = strings.Join(fields, " ")
	}
	return strings.Join(parts, ", ")
}
