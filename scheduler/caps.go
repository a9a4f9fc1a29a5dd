package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// Bounds on upstream text kept in the fetch state, shown on /status and
// written to logs: a hostile upstream's header value or date string can be
// megabytes long.
const (
	// maxWarning bounds one warning.
	maxWarning = 300
	// maxWarnings is how many warnings last_error lists; the rest are
	// counted.
	maxWarnings = 20
	// maxLastError bounds last_error, and one logged value.
	maxLastError = 4 << 10
)

// joinWarnings is last_error after a successful fetch: the first
// maxWarnings warnings, each clipped, and a count of the others.
func joinWarnings(ws []string) string {
	if len(ws) == 0 {
		return ""
	}
	n := min(len(ws), maxWarnings)
	parts := make([]string, 0, n+1)
	for _, w := range ws[:n] {
		parts = append(parts, sources.Clip(w, maxWarning))
	}
	if more := len(ws) - n; more > 0 {
		parts = append(parts, fmt.Sprintf("%d more warnings", more))
	}
	return sources.Clip(strings.Join(parts, "; "), maxLastError)
}

// errorText is last_error after a failed fetch.
func errorText(err error) string {
	return sources.Clip(err.Error(), maxLastError)
}

// clipHandler clips the message and every value of a log record (errors
// and Stringers included) to maxLastError bytes: the scheduler logs
// upstream text.
type clipHandler struct{ slog.Handler }

func (h clipHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, sources.Clip(r.Message, maxLastError), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(clipAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h clipHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clipped := make([]slog.Attr, len(as))
	for i, a := range as {
		clipped[i] = clipAttr(a)
	}
	return clipHandler{h.Handler.WithAttrs(clipped)}
}

func (h clipHandler) WithGroup(name string) slog.Handler {
	return clipHandler{h.Handler.WithGroup(name)}
}

func clipAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, sources.Clip(v.String(), maxLastError))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, sub := range g {
			out[i] = clipAttr(sub)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, sources.Clip(x.Error(), maxLastError))
		case fmt.Stringer:
			return slog.String(a.Key, sources.Clip(x.String(), maxLastError))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
