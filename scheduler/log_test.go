package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// lockedBuffer is a bytes.Buffer safe for a logger shared with cron.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFetchLogLevels checks that a failed fetch is logged at WARN, so
// -log-level warn still shows it, while routine outcomes stay at INFO.
func TestFetchLogLevels(t *testing.T) {
	tests := []struct {
		name, want string
		fn         func(context.Context, sources.Request) (*sources.Result, error)
	}{
		{"success", "level=INFO msg=fetch source=a-1 outcome=ok", items("x")},
		{"not modified", "level=INFO msg=fetch source=a-1 outcome=not_modified", func(context.Context, sources.Request) (*sources.Result, error) {
			return &sources.Result{NotModified: true}, nil
		}},
		{"error", "level=WARN msg=fetch source=a-1 outcome=error", failing(errors.New("boom"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs lockedBuffer
			h := newHarness(t, func(o *Options) {
				o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			h.add("a-1", tt.fn)
			if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
				t.Fatal(err)
			}
			_ = h.s.RunOnce(context.Background(), "a-1")
			var line string
			for l := range strings.Lines(logs.String()) {
				if strings.Contains(l, "msg=fetch ") {
					line = l
				}
			}
			if !strings.Contains(line, tt.want) {
				t.Errorf("fetch log line = %q, want it to contain %q\nlogs:\n%s", line, tt.want, logs.String())
			}
		})
	}
}
