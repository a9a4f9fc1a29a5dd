// Package rewrite applies a source's rewrite rules (sources[].rewrite) to
// its items at ingest, in order, before they are stored: replacements in a
// field (a word or a regular expression, with $1 groups) and removal of the
// elements a CSS selector matches from the content or summary.
package rewrite

import (
	"context"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// Wrap returns a Source that applies rules to every item src yields. With
// no rules it returns src.
func Wrap(src sources.Source, rules []config.RewriteRule) sources.Source {
	if len(rules) == 0 {
		return src
	}
	return &source{src: src, rules: rules}
}

type source struct {
	src   sources.Source
	rules []config.RewriteRule
}

// Fetch fetches and rewrites.
func (s *source) Fetch(ctx context.Context, req sources.Request) (*sources.Result, error) {
	res, err := s.src.Fetch(ctx, req)
	if err != nil || res == nil {
		return res, err
	}
	for i := range res.Items {
		Apply(&res.Items[i], s.rules)
	}
	return res, nil
}

// Apply rewrites it by rules, in order.
func Apply(it *sources.Item, rules []config.RewriteRule) {
	for _, r := range rules {
		switch r.Field {
		case config.FieldTitle:
			it.Title = strings.TrimSpace(replace(r, it.Title))
		case config.FieldLink:
			it.Link = strings.TrimSpace(replace(r, it.Link))
		case config.FieldAuthor:
			kept := it.Authors[:0]
			for _, a := range it.Authors {
				a.Name = strings.TrimSpace(replace(r, a.Name))
				if a.Name != "" || a.Email != "" || a.URL != "" {
					kept = append(kept, a)
				}
			}
			it.Authors = kept
		case config.FieldSummary:
			it.Summary = rewriteHTML(r, it.Summary)
		case config.FieldContent:
			it.Content = rewriteHTML(r, it.Content)
		}
	}
}

// replace applies a replace rule to text.
func replace(r config.RewriteRule, text string) string {
	if r.Re == nil || text == "" {
		return text
	}
	if r.Literal {
		return r.Re.ReplaceAllLiteralString(text, r.With)
	}
	return r.Re.ReplaceAllString(text, r.With)
}

// rewriteHTML applies a rule to an HTML fragment: a replacement works on
// the markup as written; a removal drops every element the selector
// matches, with its contents.
func rewriteHTML(r config.RewriteRule, fragment string) string {
	if fragment == "" {
		return fragment
	}
	if r.Remove == nil {
		return replace(r, fragment)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(fragment))
	if err != nil {
		return fragment
	}
	body := doc.Find("body")
	matched := body.FindMatcher(r.Remove)
	if matched.Length() == 0 {
		return fragment // unchanged, byte for byte
	}
	matched.Remove()
	out, err := body.Html()
	if err != nil {
		return fragment
	}
	return strings.TrimSpace(out)
}
