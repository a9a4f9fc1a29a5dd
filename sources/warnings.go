package sources

import "fmt"

// MaxParseWarnings bounds the warnings one parse of a page keeps, so a page
// of a thousand bad items yields a short list and a count.
const MaxParseWarnings = 20

// Warnings collects a parse's warnings, keeping the first MaxParseWarnings
// and counting the rest. The zero value is ready to use.
type Warnings struct {
	list  []string
	extra int
}

// Add records one warning.
func (w *Warnings) Add(format string, args ...any) {
	if len(w.list) >= MaxParseWarnings {
		w.extra++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

// List returns the warnings kept, followed by a count of those dropped.
func (w *Warnings) List() []string {
	if w.extra > 0 {
		return append(w.list, fmt.Sprintf("%d more warnings not shown", w.extra))
	}
	return w.list
}
