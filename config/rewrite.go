package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
)

// Rewrite is one rewrite rule of a source (sources[].rewrite): either
// replace (a word or "re:REGEX") with "with" (which may use $1) in a field,
// or remove the elements a CSS selector matches from content or summary.
type Rewrite struct {
	Field   string `yaml:"field"`
	Replace string `yaml:"replace"`
	With    string `yaml:"with"`
	Remove  string `yaml:"remove"`
}

// Rewrite fields.
const (
	FieldTitle   = "title"
	FieldSummary = "summary"
	FieldContent = "content"
	FieldAuthor  = "author"
	FieldLink    = "link"
)

// RewriteRule is a compiled Rewrite.
type RewriteRule struct {
	Field string
	// Re matches what is replaced: the regexp of "re:REGEX", or the
	// quoted literal text of a plain replace.
	Re *regexp.Regexp
	// With is the replacement; for a regexp it may use $1 or ${name}, for
	// a literal it is taken as is.
	With string
	// Literal says With is inserted as is (a plain replace).
	Literal bool
	// Remove is the compiled selector of a remove rule.
	Remove cascadia.Selector
}

// CompileRewrite compiles one rule. Errors name what is wrong, not where
// (the caller adds the file and line).
func CompileRewrite(r Rewrite) (RewriteRule, []RewriteError) {
	out := RewriteRule{Field: r.Field, With: r.With}
	var errs []RewriteError
	switch r.Field {
	case FieldTitle, FieldSummary, FieldContent, FieldAuthor, FieldLink:
	case "":
		errs = append(errs, RewriteError{"field", "required (title, summary, content, author or link)"})
	default:
		errs = append(errs, RewriteError{"field", fmt.Sprintf("unknown field %q (want title, summary, content, author or link)", r.Field)})
	}
	switch {
	case r.Replace != "" && r.Remove != "":
		errs = append(errs, RewriteError{"remove", "a rule either replaces or removes, not both"})
	case r.Replace == "" && r.Remove == "":
		errs = append(errs, RewriteError{"replace", "required: replace (with with) or remove"})
	case r.Remove != "":
		if r.Field != FieldContent && r.Field != FieldSummary && r.Field != "" {
			errs = append(errs, RewriteError{"remove", "only for field content or summary"})
		}
		if r.With != "" {
			errs = append(errs, RewriteError{"with", "only with replace"})
		}
		sel, err := cascadia.Compile(strings.TrimSpace(r.Remove))
		if err != nil {
			errs = append(errs, RewriteError{"remove", fmt.Sprintf("invalid CSS selector %q: %v", r.Remove, err)})
		}
		out.Remove = sel
	default:
		if expr, ok := strings.CutPrefix(r.Replace, "re:"); ok {
			re, err := regexp.Compile(expr)
			if err != nil {
				errs = append(errs, RewriteError{"replace", fmt.Sprintf("invalid regular expression: %v", err)})
			}
			out.Re = re
		} else {
			out.Re = regexp.MustCompile(regexp.QuoteMeta(r.Replace))
			out.Literal = true
		}
	}
	return out, errs
}

// RewriteError is a problem with one key of a rewrite rule.
type RewriteError struct{ Key, Msg string }

func (s *Source) validateRewrite(v *validator, p path) {
	if listShifted(v.root, p.with("rewrite"), len(s.Rewrite)) {
		return
	}
	for i, r := range s.Rewrite {
		rule, errs := CompileRewrite(r)
		for _, e := range errs {
			v.errorf(p.with("rewrite", i, e.Key), "%s", e.Msg)
		}
		if len(errs) == 0 {
			s.Compiled.Rewrite = append(s.Compiled.Rewrite, rule)
		}
	}
}
