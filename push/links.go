package push

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/tributaryfeeds/tributary/sources"
)

// maxLinks bounds the hub links kept from one document.
const maxLinks = 8

// discoverLinks returns the hub URLs and the self URL a feed advertises
// (WebSub 4): the HTTP Link headers win; without a hub there, the
// document's own links (Atom and RSS atom:link, JSON Feed hubs). Relative
// URLs resolve against base.
func discoverLinks(linkHeaders []string, body []byte, base string) (hubs []string, self string) {
	hubs, self = parseLinkHeaders(linkHeaders)
	if len(hubs) == 0 {
		var docSelf string
		if isJSONDoc(body) {
			hubs, docSelf = jsonLinks(body)
		} else {
			hubs, docSelf = xmlLinks(body)
		}
		if self == "" {
			self = docSelf
		}
	}
	b, _ := url.Parse(base)
	for i, h := range hubs {
		hubs[i] = sources.ResolveURL(b, h)
	}
	return hubs, sources.ResolveURL(b, self)
}

// parseLinkHeaders reads RFC 8288 Link header values:
// `<url>; rel="hub", <url2>; rel=self`.
func parseLinkHeaders(values []string) (hubs []string, self string) {
	for _, v := range values {
		for v != "" {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				break
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			target := v[1:end]
			v = v[end+1:]
			params := v
			if i := nextLink(v); i >= 0 {
				params, v = v[:i], v[i:]
			} else {
				v = ""
			}
			for _, rel := range linkRels(params) {
				switch rel {
				case "hub":
					if len(hubs) < maxLinks {
						hubs = append(hubs, target)
					}
				case "self":
					if self == "" {
						self = target
					}
				}
			}
		}
	}
	return hubs, self
}

// nextLink finds the comma that starts the next link, outside quotes.
func nextLink(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// linkRels returns the rel values of a link's parameters, lower-cased.
func linkRels(params string) []string {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		return strings.Fields(strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`)))
	}
	return nil
}

func isJSONDoc(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '{'
}

// jsonLinks reads JSON Feed's hubs and feed_url.
func jsonLinks(body []byte) (hubs []string, self string) {
	var doc struct {
		FeedURL string `json:"feed_url"`
		Hubs    []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"hubs"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil, ""
	}
	for _, h := range doc.Hubs {
		if h.URL != "" && (h.Type == "" || strings.EqualFold(h.Type, "websub") || strings.EqualFold(h.Type, "pubsubhubbub")) && len(hubs) < maxLinks {
			hubs = append(hubs, h.URL)
		}
	}
	return hubs, doc.FeedURL
}

// xmlLinks reads the feed-level <link rel="hub|self" href> of Atom and
// the atom:link of RSS, stopping at the first entry or item.
func xmlLinks(body []byte) (hubs []string, self string) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err != nil {
			return hubs, self // the end, or an error: keep what came before
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "entry", "item":
			return hubs, self
		case "link":
			var rel, href string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "rel":
					rel = a.Value
				case "href":
					href = a.Value
				}
			}
			for _, r := range strings.Fields(strings.ToLower(rel)) {
				switch {
				case r == "hub" && href != "" && len(hubs) < maxLinks:
					hubs = append(hubs, href)
				case r == "self" && href != "" && self == "":
					self = href
				}
			}
		}
	}
}
