package article

import (
	"encoding/json"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// ldArticle is the part of a schema.org Article that we use.
type ldArticle struct {
	Headline      string
	URL           string
	DatePublished string
	DateModified  string
	Authors       []sources.Author
	Publisher     string
	Categories    []string
}

// articleTypes are the schema.org types that describe one article.
var articleTypes = map[string]bool{
	"article": true, "newsarticle": true, "blogposting": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "scholarlyarticle": true, "techarticle": true, "report": true,
	"posting": true, "socialmediaposting": true, "liveblogposting": true,
}

// merge keeps the first value found for each field.
func (a *ldArticle) merge(b ldArticle) {
	a.Headline = firstNonEmpty(a.Headline, b.Headline)
	a.URL = firstNonEmpty(a.URL, b.URL)
	a.DatePublished = firstNonEmpty(a.DatePublished, b.DatePublished)
	a.DateModified = firstNonEmpty(a.DateModified, b.DateModified)
	if len(a.Authors) == 0 {
		a.Authors = b.Authors
	}
	a.Publisher = firstNonEmpty(a.Publisher, b.Publisher)
	a.Categories = appendUnique(a.Categories, b.Categories...)
}

// parseJSONLD finds the first article object in a JSON-LD script, looking
// inside arrays and @graph. Malformed JSON yields nothing.
func parseJSONLD(src string) ldArticle {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return ldArticle{}
	}
	obj := findArticle(v, 0)
	if obj == nil {
		return ldArticle{}
	}
	a := ldArticle{
		Headline:      collapse(firstNonEmpty(str(obj["headline"]), str(obj["name"]))),
		URL:           firstNonEmpty(str(obj["url"]), ldID(obj["mainEntityOfPage"])),
		DatePublished: firstNonEmpty(str(obj["datePublished"]), str(obj["dateCreated"])),
		DateModified:  str(obj["dateModified"]),
		Authors:       ldAuthors(obj["author"]),
		Publisher:     ldName(obj["publisher"]),
	}
	a.Categories = appendUnique(strList(obj["articleSection"]), strList(obj["keywords"])...)
	return a
}

// findArticle searches v depth-first; depth bounds hostile nesting.
func findArticle(v any, depth int) map[string]any {
	if depth > 8 {
		return nil
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if o := findArticle(e, depth+1); o != nil {
				return o
			}
		}
	case map[string]any:
		for _, t := range strList(x["@type"]) {
			if articleTypes[strings.ToLower(t)] {
				return x
			}
		}
		if g, ok := x["@graph"]; ok {
			return findArticle(g, depth+1)
		}
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// strList reads a string, a comma-separated string or an array of strings.
func strList(v any) []string {
	switch x := v.(type) {
	case string:
		var out []string
		for _, p := range strings.Split(x, ",") {
			out = appendUnique(out, collapse(p))
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = appendUnique(out, collapse(str(e)))
		}
		return out
	}
	return nil
}

func ldID(v any) string {
	if s := str(v); s != "" {
		return s
	}
	if o, ok := v.(map[string]any); ok {
		return firstNonEmpty(str(o["@id"]), str(o["url"]))
	}
	return ""
}

func ldName(v any) string {
	switch x := v.(type) {
	case string:
		return collapse(x)
	case map[string]any:
		return collapse(str(x["name"]))
	case []any:
		for _, e := range x {
			if n := ldName(e); n != "" {
				return n
			}
		}
	}
	return ""
}

func ldAuthors(v any) []sources.Author {
	var out []sources.Author
	switch x := v.(type) {
	case string:
		out = appendAuthors(out, parseAuthors(x)...)
	case map[string]any:
		out = appendAuthors(out, sources.Author{
			Name:  collapse(str(x["name"])),
			Email: strings.TrimPrefix(str(x["email"]), "mailto:"),
			URL:   str(x["url"]),
		})
	case []any:
		for _, e := range x {
			out = appendAuthors(out, ldAuthors(e)...)
		}
	}
	return out
}
