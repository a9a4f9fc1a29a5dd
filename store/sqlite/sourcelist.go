package sqlite

import (
	"encoding/json"
	"strings"
)

// maxListedSources is the most sources a query lists as parameters.
const maxListedSources = 1000

// inSources writes the list of "source IN (list)" for names and returns args
// with its parameters appended. SQLite allows 32,766 parameters in a
// statement and a merged feed may name tens of thousands of sources: past
// maxListedSources the names go as one JSON array.
func inSources(b *strings.Builder, args []any, names []string) []any {
	b.WriteByte('(')
	defer b.WriteByte(')')
	if len(names) > maxListedSources {
		list, _ := json.Marshal(names) // strings always encode
		b.WriteString("SELECT value FROM json_each(?)")
		return append(args, string(list))
	}
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('?')
		args = append(args, n)
	}
	return args
}
