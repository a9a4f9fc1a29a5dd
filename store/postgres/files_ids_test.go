package postgres_test

import (
	"context"
	"testing"

	"github.com/tributaryfeeds/tributary/store/postgres"
	"github.com/tributaryfeeds/tributary/store/storetest"
)

// TestMigrateFilesIDs: 0009 renames the file:// ids of files sources,
// which published the server's path, to urn:tributary:files:SOURCE:NAME,
// and leaves every other id alone.
func TestMigrateFilesIDs(t *testing.T) {
	ctx := context.Background()
	loc := schemaAt0001(t,
		`INSERT INTO items (source, id, first_seen, sort_date, hash, content_hash) VALUES
			('news', 'file:///srv/articles/harbour%20opens.md', '2023-05-01T08:30:00Z', '2023-05-01T08:30:00Z', '\x00', '\x00'),
			('news', 'file:///srv/articles/quay.txt', '2023-05-01T08:31:00Z', '2023-05-01T08:31:00Z', '\x00', '\x00'),
			('wire', 'https://example.org/file://x/1', '2023-05-01T08:32:00Z', '2023-05-01T08:32:00Z', '\x00', '\x00')`,
	)

	db, err := postgres.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckFilesIDs(t, db)
}
