package fulltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	xhtml "golang.org/x/net/html"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
	"github.com/tributaryfeeds/tributary/sources/html"
)

// junkTags never belong in an article body.
const junkTags = "script, style, noscript, template, nav, aside, footer, form, button, dialog"

// junkName matches the class or id of site chrome inside an article body.
var junkName = regexp.MustCompile(`(?i)share|social|comment|related|newsletter|promo`)

// maxElements bounds the elements of a page that is extracted. Readability
// and the clean-up cost more than linear time in them: a crafted 10 MB page
// of empty divs ran for 40 CPU-seconds, past any deadline, while real
// article pages have a few thousand. 50,000 extract in well under a second.
const maxElements = 50_000

// errEmpty is returned when extraction leaves no body at all.
var errEmpty = errors.New("empty article body")

// extractor takes the article body out of a page: with a CSS selector when
// one is configured, else with readability.
type extractor struct {
	expr string
	sel  cascadia.Selector // nil: readability
}

func newExtractor(sel *config.Selector) *extractor {
	if sel == nil || sel.CSS == nil {
		return &extractor{}
	}
	return &extractor{expr: sel.Expr, sel: sel.CSS}
}

// page is what an article page gives an item: its body and, for items
// that lack them, its date and authors.
type page struct {
	body      string
	published time.Time // zero when the page declares none
	authors   []sources.Author
}

// extract returns the cleaned article body of raw, with links made
// absolute against pageURL (or the page's <base href>) and without a
// leading heading that repeats title, and the date and authors the page
// declares. now bounds the date (see sources.CheckDate).
func (x *extractor) extract(ctx context.Context, raw []byte, pageURL, title string, now time.Time) (page, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return page{}, fmt.Errorf("page URL %q: not a URL", sources.Redact(pageURL))
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		return page{}, fmt.Errorf("parse: %w", err)
	}
	if err := withinBudget(doc.Nodes[0]); err != nil {
		return page{}, err
	}
	if err := ctx.Err(); err != nil {
		return page{}, err
	}
	base := html.BaseURL(doc, u)
	// Before clean, which removes the <script> that holds JSON-LD.
	meta := article.Metadata(doc.Nodes[0], nil, time.Time{})
	p := page{published: meta.Published, authors: meta.Authors}
	if x.sel != nil {
		p.body, err = x.selected(doc, base, title)
	} else {
		p.body, err = x.readable(ctx, doc, base, title, &p)
	}
	if err != nil {
		return page{}, err
	}
	p.published = sources.CheckDate(p.published, now)
	return p, nil
}

// selected returns the elements the content selector matches, in order.
// A match inside another match is part of it already.
func (x *extractor) selected(doc *goquery.Document, base *url.URL, title string) (string, error) {
	all := doc.FindMatcher(x.sel)
	top := all.FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.ParentsMatcher(x.sel).Length() == 0
	})
	if top.Length() == 0 {
		return "", fmt.Errorf("content selector %q matched nothing", x.expr)
	}
	if top.Length() == 1 {
		article.DropHeading(top.Get(0), title)
		return render(top, base, false)
	}
	// Several matches ("article p"): each keeps its own tag, or paragraphs
	// would run together.
	return render(top, base, true)
}

// readable extracts the body with readability, filling p's date and
// authors from what readability found when the metadata had none.
func (x *extractor) readable(ctx context.Context, doc *goquery.Document, base *url.URL, title string, p *page) (string, error) {
	// readability drops class and id attributes, so widgets named by them
	// are removed before it runs.
	clean(doc.Find("body"))
	cleaned, err := goquery.OuterHtml(doc.Selection)
	if err != nil {
		return "", fmt.Errorf("render page: %w", err)
	}
	a, err := article.Extract(ctx, []byte(cleaned), base.String())
	if err != nil {
		return "", err
	}
	if p.published.IsZero() {
		p.published = a.Published
	}
	if len(p.authors) == 0 {
		p.authors = a.Authors
	}
	adoc, err := goquery.NewDocumentFromReader(strings.NewReader(a.HTML))
	if err != nil {
		return "", fmt.Errorf("parse extracted body: %w", err)
	}
	body := adoc.Find("body")
	if body.Length() > 0 {
		article.DropHeading(body.Get(0), title, a.Title)
	}
	return render(body, base, false)
}

// render cleans sel, absolutizes its links and returns its inner HTML, or
// the outer HTML of each element when outer is set.
func render(sel *goquery.Selection, base *url.URL, outer bool) (string, error) {
	clean(sel)
	html.Absolutize(sel, base)
	if strings.TrimSpace(sel.Text()) == "" && sel.Find("img, video, audio, iframe").Length() == 0 {
		return "", errEmpty
	}
	var b strings.Builder
	for i := range sel.Length() {
		el := sel.Eq(i)
		var h string
		var err error
		if outer {
			h, err = goquery.OuterHtml(el)
		} else {
			h, err = el.Html()
		}
		if err != nil {
			return "", fmt.Errorf("render body: %w", err)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimSpace(h))
	}
	return b.String(), nil
}

// clean removes site chrome from inside body: scripts, navigation, sidebars,
// footers, forms, and elements named like share, social, comment, related,
// newsletter or promo widgets. A named element holding most of the text is
// kept: it is the article under an unlucky class such as "has-comments".
func clean(body *goquery.Selection) {
	body.Find(junkTags).Remove()
	total := textLen(body)
	body.Find("[class], [id]").FilterFunction(func(_ int, el *goquery.Selection) bool {
		if !junkName.MatchString(el.AttrOr("class", "")) && !junkName.MatchString(el.AttrOr("id", "")) {
			return false
		}
		return textLen(el)*2 < total
	}).Remove()
}

func textLen(sel *goquery.Selection) int {
	return len(strings.TrimSpace(sel.Text()))
}

// withinBudget refuses a page with more than maxElements elements, counting
// without recursion (the parser already bounds the nesting).
func withinBudget(root *xhtml.Node) error {
	n := 0
	for node := range root.Descendants() {
		if node.Type == xhtml.ElementNode {
			if n++; n > maxElements {
				return fmt.Errorf("page has more than %d elements: not extracted", maxElements)
			}
		}
	}
	return nil
}
