package config

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxKnownDepth bounds the walk of unknownFields, as maxEnvDepth bounds
// the expansion: no configuration nests anywhere near it.
const maxKnownDepth = 64

var nodeUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// unknownFields returns a message, in yaml.v3's words ("line N: field K
// not found in type T"), for each mapping key that no field of Config
// takes. It walks the parsed document beside the Go types, where yaml.v3's
// KnownFields would need the text parsed and decoded a second time: on a
// configuration of 50,000 sources that second pass was half of the start-up
// and doubled its peak memory.
func unknownFields(doc *yaml.Node) []string {
	w := knownWalk{seen: make(map[seenKey]bool), fields: make(map[reflect.Type]map[string]reflect.Type)}
	w.walk(docRoot(doc), reflect.TypeFor[Config](), 0)
	return w.msgs
}

type knownWalk struct {
	msgs   []string
	seen   map[seenKey]bool // anchored nodes walked: once per type, however often referenced
	fields map[reflect.Type]map[string]reflect.Type
}

func (w *knownWalk) walk(n *yaml.Node, t reflect.Type, depth int) {
	if n == nil || depth > maxKnownDepth {
		return
	}
	if n.Kind == yaml.AliasNode {
		w.walk(n.Alias, t, depth+1)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Anchor != "" {
		// An anchor used as a source and as a feed is checked as both.
		k := seenKey{n, t}
		if w.seen[k] {
			return
		}
		w.seen[k] = true
	}
	// A type that reads its own node (Duration, Size) has no fields.
	if reflect.PointerTo(t).Implements(nodeUnmarshaler) {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		w.mapping(n, t, depth)
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			w.walk(n.Content[i], t.Elem(), depth+1)
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			w.walk(c, t.Elem(), depth+1)
		}
	}
}

func (w *knownWalk) mapping(n *yaml.Node, t reflect.Type, depth int) {
	if duplicateKey(n) {
		return // yaml.v3 reports that key, and reads no further here
	}
	fields, ok := w.fields[t]
	if !ok {
		fields = yamlFields(t)
		w.fields[t] = fields
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if isMerge(key) {
			// "<<: *defaults" or a list of them: the same type's keys.
			if val.Kind == yaml.SequenceNode {
				for _, c := range val.Content {
					w.walk(c, t, depth+1)
				}
			} else {
				w.walk(val, t, depth+1)
			}
			continue
		}
		if key.Kind == yaml.AliasNode {
			key = key.Alias
		}
		if key.Kind != yaml.ScalarNode || key.ShortTag() == "!!null" {
			continue // not a name: yaml.v3 skips it
		}
		ft, ok := fields[key.Value]
		if !ok {
			w.msgs = append(w.msgs, fmt.Sprintf("line %d: field %s not found in type %s", key.Line, key.Value, t))
			continue
		}
		w.walk(val, ft, depth+1)
	}
}

// yamlFields maps the keys yaml.v3 accepts for struct type t to the types
// of their fields: the tag's name, else the field's name in lower case;
// unexported fields and "-" take none.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}

// isMerge reports whether key is YAML's merge key, as yaml.v3 reads it.
func isMerge(key *yaml.Node) bool {
	return key.Kind == yaml.ScalarNode && key.Value == "<<" &&
		(key.Tag == "" || key.Tag == "!" || key.ShortTag() == "!!merge")
}

// duplicateKey reports whether two keys of mapping n are the same as
// yaml.v3 compares them: same kind, same value (merge keys and aliases
// included).
func duplicateKey(n *yaml.Node) bool {
	type key struct {
		kind  yaml.Kind
		value string
	}
	keys := make(map[key]bool, len(n.Content)/2)
	for i := 0; i < len(n.Content); i += 2 {
		k := key{n.Content[i].Kind, n.Content[i].Value}
		if keys[k] {
			return true
		}
		keys[k] = true
	}
	return false
}

type seenKey struct {
	n *yaml.Node
	t reflect.Type
}
