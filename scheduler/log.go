package scheduler

import (
	"log/slog"
)

// cronLogger adapts slog to cron.Logger. Cron's info messages (wake, run,
// skip) are routine, so they go to debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
