package html

import (
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/tributaryfeeds/tributary/config"
)

// find returns the element f reads inside item: the first match of its
// selector, or item itself for a bare "@attr". ok is false when there is
// no such element or it lacks the attribute.
func find(f *config.Selector, item *goquery.Selection) (*goquery.Selection, bool) {
	el := item
	if f.CSS != nil {
		// Not goquery.SingleMatcher: Find applies it per child, not once.
		el = item.FindMatcher(f.CSS).First()
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

// collapse trims s and folds runs of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
