package config

import (
	"slices"
	"strings"
)

// validatePublishing checks the feed keys of issue 11: image, prefer,
// near_duplicates and access.
func (c *Config) validatePublishing(v *validator, f *Feed, p path) {
	if f.Image != "" {
		if err := checkHTTPURL(f.Image); err != nil {
			v.errorf(p.with("image"), "%v", err)
		}
	}
	if f.NearDuplicates < 0 || f.NearDuplicates > 1 {
		v.errorf(p.with("near_duplicates"), "must be from 0 (off) to 1, got %g", f.NearDuplicates)
	}
	if !listShifted(v.root, p.with("prefer"), len(f.Prefer)) {
		feedSources := make(map[string]bool)
		for _, name := range v.sourceIndex(c).feedSources(c, f) {
			feedSources[name] = true
		}
		for j, ref := range f.Prefer {
			if tag, ok := strings.CutPrefix(ref, "tag:"); ok {
				if len(v.sourceIndex(c).tagged[tag]) == 0 {
					v.errorf(p.with("prefer", j), "no source has tag %q", tag)
				}
				continue
			}
			if !feedSources[ref] {
				v.errorf(p.with("prefer", j), "%q is not a source of this feed", ref)
			}
		}
	}
	if f.Compiled != nil {
		f.Compiled.Preference = c.preference(f)
	}
	if f.Access == nil {
		return
	}
	ap := p.with("access", "tokens")
	if len(f.Access.Tokens) == 0 {
		v.errorf(ap, "required: at least one token (or remove access to make the feed public)")
		return
	}
	if listShifted(v.root, ap, len(f.Access.Tokens)) {
		return
	}
	for j, tok := range f.Access.Tokens {
		// Never echo the token: it is a secret, and errors are logged.
		switch {
		case len(tok) < minTokenLen:
			v.errorf(ap.with(j), "token too short: at least %d characters (it is the only key to the feed)", minTokenLen)
		case strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			v.errorf(ap.with(j), "token must not contain spaces or control characters")
		}
	}
}

// preference orders the feed's sources by feeds[].prefer: each entry's
// sources (a tag's in configuration order), then the others as configured.
func (c *Config) preference(f *Feed) []string {
	in := make(map[string]bool)
	for _, name := range f.Compiled.Sources {
		in[name] = true
	}
	out := make([]string, 0, len(f.Compiled.Sources))
	placed := make(map[string]bool)
	add := func(name string) {
		if in[name] && !placed[name] {
			placed[name] = true
			out = append(out, name)
		}
	}
	for _, ref := range f.Prefer {
		tag, isTag := strings.CutPrefix(ref, "tag:")
		if !isTag {
			add(ref)
			continue
		}
		tagged := make(map[string]bool)
		for i := range c.Sources {
			if slices.Contains(c.Sources[i].Tags, tag) {
				tagged[c.Sources[i].Name] = true
			}
		}
		for _, name := range f.Compiled.Sources {
			if tagged[name] {
				add(name)
			}
		}
	}
	for _, name := range f.Compiled.Sources {
		add(name)
	}
	return out
}
