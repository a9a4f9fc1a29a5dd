package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a configuration file.
type Error struct {
	File  string
	Line  int    // 0 when unknown
	Field string // e.g. "sources[2].schedule"; empty when unknown
	Msg   string
}

// Error formats e as "file:line: field: msg", leaving out what is unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a configuration file, in line order.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// sortByLine orders l by line, keeping the order of equal lines.
func (l ErrorList) sortByLine() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Line < l[j].Line })
}

// covers reports whether l has an error about field or a field within it,
// so a validation message about a value that failed to decode is dropped.
func (l ErrorList) covers(field string) bool {
	if field == "" {
		return false
	}
	for _, e := range l {
		if e.Field == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(field, e.Field); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
			return true
		}
	}
	return false
}

// hint names, in each error on a line that referenced unset variables,
// those variables: the empty value is then the likely cause.
func (l ErrorList) hint(unset map[int][]string) ErrorList {
	for _, e := range l {
		names := unset[e.Line]
		if len(names) == 0 {
			continue
		}
		refs := make([]string, len(names))
		for i, n := range names {
			refs[i] = "${" + n + "}"
		}
		verb := "is"
		if len(refs) > 1 {
			verb = "are"
		}
		e.Msg += fmt.Sprintf(" (from %s, which %s not set)", strings.Join(refs, ", "), verb)
	}
	return l
}

// redact replaces, in each error on a line where values came from the
// environment, those values with the reference that produced them: a value
// (a token, a password) never reaches an error message, a log or a
// terminal, even in part.
func (l ErrorList) redact(env *envRefs) ErrorList {
	for _, e := range l {
		vals := slices.Clone(env.values[e.Line])
		// Longest first, so a value containing another is replaced whole.
		slices.SortFunc(vals, func(a, b envValue) int { return len(b.value) - len(a.value) })
		for _, v := range vals {
			e.Msg = strings.ReplaceAll(e.Msg, v.value, "${"+v.name+"}")
		}
		// A part of a value, quoted on its own ("port \"99999x\""), too.
		e.Msg = quotedText.ReplaceAllStringFunc(e.Msg, func(q string) string {
			text := q[1 : len(q)-1]
			if u, err := strconv.Unquote(q); err == nil {
				text = u
			}
			// yaml.v3 cuts long values short with "...".
			text = strings.TrimSuffix(text, "...")
			for _, v := range vals {
				if text != "" && strings.Contains(v.value, text) {
					return q[:1] + "${" + v.name + "}" + q[len(q)-1:]
				}
			}
			return q
		})
	}
	return l
}

// quotedText matches a "quoted" (Go syntax) or `backquoted` part of a
// message.
var quotedText = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// yamlLine matches the "line N: " prefix of yaml.v3 messages, after an
// optional "yaml: " prefix.
var yamlLine = regexp.MustCompile(`(?s)^(?:yaml: )?line (\d+): (.*)$`)

// Messages from yaml.v3 name Go types; these rewrites speak in YAML terms.
var (
	unknownField = regexp.MustCompile(`(?s)^field (.*) not found in type \S+$`)
	fieldTwice   = regexp.MustCompile(`^field (\S+) already set in type \S+$`)
	cannotDecode = regexp.MustCompile(`^cannot unmarshal !!(\w+)(.*) into (\S+)$`)
)

// yamlErrors converts an error from yaml.v3 into an ErrorList, locating
// the field of each message through root when it can.
func yamlErrors(file string, err error, root *yaml.Node) ErrorList {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return yamlMessages(file, te.Errors, root)
	}
	return yamlMessages(file, []string{err.Error()}, root)
}

// yamlMessages converts the messages of a *yaml.TypeError.
func yamlMessages(file string, msgs []string, root *yaml.Node) ErrorList {
	list := make(ErrorList, 0, len(msgs))
	for _, m := range msgs {
		list = append(list, yamlError(file, m, root))
	}
	list.sortByLine()
	return list
}

func yamlError(file, msg string, root *yaml.Node) *Error {
	e := &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	sub := yamlLine.FindStringSubmatch(msg)
	if sub == nil {
		return e
	}
	e.Line, _ = strconv.Atoi(sub[1])
	e.Msg = sub[2]
	var key string
	if m := unknownField.FindStringSubmatch(e.Msg); m != nil {
		key, e.Msg = m[1], "unknown field"
	} else if m := fieldTwice.FindStringSubmatch(e.Msg); m != nil {
		key, e.Msg = m[1], "field set twice"
	} else if m := cannotDecode.FindStringSubmatch(e.Msg); m != nil {
		if m[3] == "config.Config" {
			e.Msg = "the file must be a mapping with keys server, storage, fetch, sources, feeds"
			return e
		}
		e.Msg = "cannot use " + kindName(m[1]) + m[2] + " as " + goTypeName(m[3])
	}
	e.Field = fieldAtLine(root, e.Line, key)
	return e
}

func kindName(tag string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "str":
		return "string"
	case "int":
		return "integer"
	case "bool":
		return "boolean"
	}
	return tag
}

func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "config."):
		return "a mapping"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "an integer"
	case t == "bool":
		return "a boolean (true or false)"
	case t == "string":
		return "a string"
	}
	return t
}
