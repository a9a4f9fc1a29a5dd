package sources

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes that hold one URL.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true, "action": true}

// AbsolutizeHTML returns fragment with the relative URLs of its href, src,
// poster, cite and srcset attributes resolved against base, for an item
// that has no link of its own to resolve them later: its upstream's site
// is the only right base (the daemon's base_url never is). A fragment
// without relative URLs, or a nil base, comes back unchanged.
func AbsolutizeHTML(fragment string, base *url.URL) string {
	if base == nil || !strings.Contains(fragment, "=") {
		return fragment
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return fragment
	}
	changed := false
	for _, n := range nodes {
		for d := range n.Descendants() {
			changed = absolutizeAttrs(d, base) || changed
		}
		changed = absolutizeAttrs(n, base) || changed
	}
	if !changed {
		return fragment
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return fragment
		}
	}
	return b.String()
}

func absolutizeAttrs(n *html.Node, base *url.URL) bool {
	if n.Type != html.ElementNode {
		return false
	}
	changed := false
	for i, a := range n.Attr {
		var v string
		switch {
		case a.Namespace != "":
			continue
		case urlAttrs[a.Key]:
			u, err := url.Parse(strings.TrimSpace(a.Val))
			if err != nil || u.IsAbs() || a.Val == "" || strings.HasPrefix(a.Val, "#") {
				continue
			}
			v = base.ResolveReference(u).String()
		case a.Key == "srcset":
			v = ResolveSrcset(base, a.Val)
		default:
			continue
		}
		if v != "" && v != a.Val {
			n.Attr[i].Val = v
			changed = true
		}
	}
	return changed
}
