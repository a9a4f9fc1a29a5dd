package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// knownFieldsOracle is what unknownFields replaced: yaml.v3's own
// KnownFields check, which parses and decodes the text a second time.
func knownFieldsOracle(data []byte) []string {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	scratch := Default()
	var msgs []string
	var te *yaml.TypeError
	if err := dec.Decode(&scratch); errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []string
	for _, m := range append(msgs, scratch.takeDecodeErrors()...) {
		if sub := yamlLine.FindStringSubmatch(m); sub != nil && unknownField.MatchString(sub[2]) {
			// The type yaml.v3 names differs (config.plain for an
			// entry); only the line and the key are used.
			out = append(out, sub[1]+":"+unknownField.FindStringSubmatch(sub[2])[1])
		}
	}
	// yaml.v3 repeats the message for each alias of the node; the walk
	// reports it once.
	slices.Sort(out)
	return slices.Compact(out)
}

func walkedUnknown(t testing.TB, data []byte) []string {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil
	}
	var out []string
	for _, m := range unknownFields(&doc) {
		sub := yamlLine.FindStringSubmatch(m)
		if sub == nil {
			t.Fatalf("message %q has no line", m)
		}
		k := unknownField.FindStringSubmatch(sub[2])
		if k == nil {
			t.Fatalf("message %q is not an unknown-field message", m)
		}
		out = append(out, sub[1]+":"+k[1])
	}
	slices.Sort(out)
	return out
}

// compacted is a sorted list without repeats, as the oracle reports.
func compacted(l []string) []string { return slices.Compact(slices.Clone(l)) }

func configCorpus(t testing.TB) map[string][]byte {
	files, _ := filepath.Glob("testdata/*.yaml")
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	examples, _ := filepath.Glob("testdata/examples/*.yaml")
	out := make(map[string][]byte)
	for _, f := range slices.Concat(files, bad, examples) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	for name, doc := range knownCases {
		out[name] = []byte(doc)
	}
	return out
}

var knownCases = map[string]string{
	"nested":      "server: {listen: ':1', bogus: 1}\nfetch:\n  http: {headers: {X-Any: a}, nope: 2}\nsources:\n  - {name: a, url: 'http://x/', extra: 1, http: {cookie: c}}\n",
	"alias":       "sources: [&d {name: a, url: 'http://x/', wrong: 1}, *d, *d]\n",
	"alias key":   "x: &d {name: a}\nsources: [*d]\n",
	"merge":       "sources:\n  - &base {name: a, url: 'http://x/'}\n  - <<: *base\n    name: b\n    typo: 1\n",
	"merge list":  "sources:\n  - &a {name: a, url: 'http://x/', bad1: 1}\n  - &b {keep: 3, bad2: 2}\n  - <<: [*a, *b]\n    name: c\n",
	"key spaces":  "fetch:\n  time out: 3s\n",
	"wrong kinds": "sources: {name: a}\nfeeds: [[1]]\nserver: [1]\n",
	"feeds":       "feeds:\n  - {slug: a, sources: [x], filter: {include: [a]}, bogus: 2}\n",
	// One anchor, two types: checked as each.
	"source into feed": "sources:\n  - &s {name: a, url: 'http://x/'}\nfeeds:\n  - <<: *s\n    slug: f\n    sources: [a]\n",
	"auth into source": "sources:\n  - name: a\n    url: 'http://x/'\n    http:\n      basic_auth: &c {username: u, password: p}\n  - {name: b, url: 'http://y/', http: *c}\n",
	"double merge":     "sources:\n  - &a {name: a, url: 'http://x/'}\n  - &b {keep: 3}\n  - {<<: *a, <<: *b, name: c, bogus: 1}\n",
	"newline key":      "fetch: {\"a\\nb\": 1}\n",
}

// TestUnknownFieldsAsYAML: the walk finds the unknown keys that yaml.v3's
// KnownFields finds, on every configuration the tests hold and a few shapes
// (aliases, merge keys, kinds that do not match).
func TestUnknownFieldsAsYAML(t *testing.T) {
	for name, data := range configCorpus(t) {
		want := knownFieldsOracle(data)
		if got := walkedUnknown(t, data); !slices.Equal(compacted(got), want) {
			t.Errorf("%s: unknown fields %q, yaml.v3 says %q", name, got, want)
		}
	}
}

// TestUnknownFieldsAliasBomb: an anchor referenced many times is walked
// once, and reported once.
func TestUnknownFieldsAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("sources: [&a0 {name: x, url: 'http://x/', bogus: 1}")
	for range 100000 {
		b.WriteString(", *a0")
	}
	b.WriteString("]\n")
	if got := walkedUnknown(t, []byte(b.String())); !slices.Equal(got, []string{"1:bogus"}) {
		t.Errorf("unknown fields %q, want the anchor's key once", got)
	}
}

func FuzzUnknownFields(f *testing.F) {
	for _, data := range configCorpus(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			return
		}
		// A document that does not decode (a key defined twice) is
		// refused before its unknown fields are looked at.
		c := Default()
		var te *yaml.TypeError
		if err := doc.Decode(&c); err != nil && !errors.As(err, &te) {
			return
		}
		want := knownFieldsOracle(data)
		if got := walkedUnknown(t, data); !slices.Equal(compacted(got), want) {
			t.Errorf("unknown fields %q, yaml.v3 says %q", got, want)
		}
	})
}
