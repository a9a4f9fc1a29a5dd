package html

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/antchfx/htmlquery"
	"github.com/antchfx/xpath"
	"golang.org/x/net/html"

	"github.com/tributaryfeeds/tributary/config"
)

// find returns the element f reads inside item: the first match of its
// selector, or item itself for a bare "@attr". ok is false when there is
// no such element or it lacks the attribute.
func find(f *config.Selector, item *goquery.Selection) (*goquery.Selection, bool) {
	el := item
	switch {
	case f.CSS != nil:
		// Not goquery.SingleMatcher: Find applies it per child, not once.
		el = item.FindMatcher(f.CSS).First()
	case f.XPath != nil:
		if item.Length() == 0 {
			return item, false
		}
		nodes := xpathElements(item.Nodes[0], f.XPath, 1)
		if len(nodes) == 0 {
			return item.Slice(0, 0), false
		}
		el = goquery.NewDocumentFromNode(nodes[0]).Selection
	}
	if el.Length() == 0 {
		return el, false
	}
	if f.Attr != "" {
		_, ok := el.Attr(f.Attr)
		return el, ok
	}
	return el, true
}

// text reads f in item as plain text with collapsed white space.
func text(f *config.Selector, item *goquery.Selection) (string, bool) {
	el, ok := find(f, item)
	if !ok {
		return "", false
	}
	if f.Attr != "" {
		v, _ := el.Attr(f.Attr)
		return collapse(v), true
	}
	return collapse(el.Text()), true
}

// maxXPathNodes bounds what one XPath evaluation collects: a listing has
// at most a few hundred items.
const maxXPathNodes = 10000

// xpathElements evaluates expr relative to node and returns the element
// nodes it selects, at most limit (0: maxXPathNodes). An expression that
// yields no nodes (count(), string()) or fails matches nothing.
func xpathElements(node *html.Node, expr *xpath.Expr, limit int) (out []*html.Node) {
	if limit <= 0 {
		limit = maxXPathNodes
	}
	defer func() {
		// The evaluator has panicked on odd documents before: a page
		// must not take the process down.
		if recover() != nil {
			out = nil
		}
	}()
	it, ok := expr.Evaluate(htmlquery.CreateXPathNavigator(node)).(*xpath.NodeIterator)
	if !ok {
		return nil
	}
	for it.MoveNext() && len(out) < limit {
		nav, ok := it.Current().(*htmlquery.NodeNavigator)
		if !ok || nav.NodeType() != xpath.ElementNode {
			continue
		}
		out = append(out, nav.Current())
	}
	return out
}

// collapse trims s and folds runs of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
