package codec

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
)

// Migrate applies the migrations/*.sql files of fsys in name order: apply
// runs one file's body in its own transaction unless the file is already
// recorded as applied, and reports whether it ran it.
func Migrate(ctx context.Context, fsys fs.FS, logger *slog.Logger,
	apply func(ctx context.Context, name, body string) (bool, error)) error {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		applied, err := apply(ctx, name, string(body))
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if applied {
			logger.InfoContext(ctx, "applied migration", "name", name)
		}
	}
	return nil
}
