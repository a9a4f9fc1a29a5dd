package fulltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/article"
	"github.com/tributaryfeeds/tributary/sources/html"
)

// junkTags never belong in an article body.
const junkTags = "script, style, noscript, template, nav, aside, footer, form, button, dialog"

// junkName matches the class or id of site chrome inside an article body.
var junkName = regexp.MustCompile(`(?i)share|social|comment|related|newsletter|promo`)

// errEmpty is returned when extraction leaves no body at all.
var errEmpty = errors.New("empty article body")

// extractor takes the article body out of a page: with a CSS selector when
// one is configured, else with readability.
type extractor struct {
	expr string
	sel  cascadia.Selector // nil: readability
}

func newExtractor(expr string) (*extractor, error) {
	x := &extractor{expr: strings.TrimSpace(expr)}
	if x.expr == "" {
		return x, nil
	}
	sel, err := cascadia.Compile(x.expr)
	if err != nil {
		return nil, fmt.Errorf("content selector %q: %w", x.expr, err)
	}
	x.sel = sel
	return x, nil
}

// extract returns the cleaned inner HTML of the article body of page, with
// links made absolute against pageURL (or the page's <base href>).
func (x *extractor) extract(ctx context.Context, page []byte, pageURL string) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("page URL %q: not a URL", sources.Redact(pageURL))
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("parse: %w", err)
	}
	base := html.BaseURL(doc, u)
	if x.sel != nil {
		body := doc.FindMatcher(x.sel).First()
		if body.Length() == 0 {
			return "", fmt.Errorf("content selector %q matched nothing", x.expr)
		}
		return render(body, base)
	}
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
	adoc, err := goquery.NewDocumentFromReader(strings.NewReader(a.HTML))
	if err != nil {
		return "", fmt.Errorf("parse extracted body: %w", err)
	}
	body := adoc.Find("body")
	return render(body, base)
}

// render cleans body, absolutizes its links and returns its inner HTML.
func render(body *goquery.Selection, base *url.URL) (string, error) {
	clean(body)
	html.Absolutize(body, base)
	h, err := body.Html()
	if err != nil {
		return "", fmt.Errorf("render body: %w", err)
	}
	h = strings.TrimSpace(h)
	if strings.TrimSpace(body.Text()) == "" && body.Find("img, video, audio, iframe").Length() == 0 {
		return "", errEmpty
	}
	return h, nil
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
