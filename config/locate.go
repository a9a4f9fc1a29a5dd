package config

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// path names a place in the document: string segments are mapping keys,
// int segments are list indexes.
type path []any

// String formats p as "sources[2].select.item".
func (p path) String() string {
	var b strings.Builder
	for _, seg := range p {
		switch s := seg.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// with returns p extended by segs without sharing p's backing array.
func (p path) with(segs ...any) path {
	q := make(path, 0, len(p)+len(segs))
	return append(append(q, p...), segs...)
}

// docRoot returns the top-level mapping of a document node, or nil.
func docRoot(doc *yaml.Node) *yaml.Node {
	if doc != nil && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0]
	}
	return doc
}

// lineOf returns the line of the deepest node along p that exists in root:
// the key's line for a mapping entry, the item's line for a list entry.
// It returns 0 when root is nil.
func lineOf(root *yaml.Node, p path) int {
	if root == nil {
		return 0
	}
	n, line := root, root.Line
	for _, seg := range p {
		next, l := child(n, seg)
		if next == nil {
			break
		}
		n, line = next, l
	}
	return line
}

// child returns the node at seg, a mapping key or a list index, within n
// (through an alias), and the line of that key or list item; nil when n
// has no such entry.
func child(n *yaml.Node, seg any) (*yaml.Node, int) {
	n = resolveAlias(n)
	if n == nil {
		return nil, 0
	}
	switch s := seg.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					return n.Content[i+1], n.Content[i].Line
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return n.Content[s], n.Content[s].Line
		}
	}
	return nil, 0
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 16; depth++ {
		n = n.Alias
	}
	return n
}

// fieldAtLine finds the path of the mapping key named key on line (any key
// when key is empty, or when none is named key) or, failing that, of the
// list item on that line. It returns "" when nothing is on that line.
func fieldAtLine(root *yaml.Node, line int, key string) string {
	var best path
	var walk func(n *yaml.Node, p path, depth int) bool
	walk = func(n *yaml.Node, p path, depth int) bool {
		if n == nil || depth > 64 {
			return false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				kp := p.with(k.Value)
				if k.Line == line && (key == "" || k.Value == key) {
					best = kp
					return true
				}
				if k.Line == line && best == nil {
					best = kp
				}
				if walk(v, kp, depth+1) {
					return true
				}
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				ip := p.with(i)
				if item.Line == line && item.Kind == yaml.ScalarNode && best == nil {
					best = ip
				}
				if walk(item, ip, depth+1) {
					return true
				}
			}
		}
		return false
	}
	walk(docRoot(root), nil, 0)
	return best.String()
}

// nodeAt returns the node at p in root, or nil when there is none.
func nodeAt(root *yaml.Node, p path) *yaml.Node {
	n := root
	for _, seg := range p {
		if n, _ = child(n, seg); n == nil {
			return nil
		}
	}
	return resolveAlias(n)
}

// listShifted reports whether the list at p has more entries in root than
// the n that were decoded: yaml.v3 drops entries it cannot decode (already
// reported), so the indexes of the rest no longer match the file.
func listShifted(root *yaml.Node, p path, n int) bool {
	node := nodeAt(root, p)
	return node != nil && node.Kind == yaml.SequenceNode && len(node.Content) != n
}
