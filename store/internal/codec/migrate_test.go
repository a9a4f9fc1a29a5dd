package codec

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrate(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0002_b.sql": {Data: []byte("B")},
		"migrations/0001_a.sql": {Data: []byte("A")},
		"migrations/notes.txt":  {Data: []byte("not a migration")},
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	var ran []string
	err := Migrate(context.Background(), fsys, logger, func(_ context.Context, name, body string) (bool, error) {
		ran = append(ran, name+"="+body)
		return name == "migrations/0002_b.sql", nil // 0001 was applied before
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"migrations/0001_a.sql=A", "migrations/0002_b.sql=B"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("ran %v, want %v", ran, want)
	}
	if got := logs.String(); strings.Count(got, "applied migration") != 1 || !strings.Contains(got, "0002_b.sql") {
		t.Errorf("logs = %q, want one line for 0002_b.sql", got)
	}

	boom := errors.New("boom")
	err = Migrate(context.Background(), fsys, logger, func(_ context.Context, name, _ string) (bool, error) {
		if strings.HasSuffix(name, "0002_b.sql") {
			return false, boom
		}
		return false, nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "migrations/0002_b.sql") {
		t.Errorf("Migrate error = %v, want boom naming migrations/0002_b.sql", err)
	}
}
