package sqlite

import (
	"context"
	"testing"

	"github.com/tributaryfeeds/tributary/store/storetest"
)

// TestMigrateFilesIDs: 0009 renames the file:// ids of files sources,
// which published the server's path, to urn:tributary:files:SOURCE:NAME,
// and leaves every other id alone.
func TestMigrateFilesIDs(t *testing.T) {
	ctx := context.Background()
	path := dbAt0001(t,
		`INSERT INTO items (source, id, first_seen, sort_date, hash, content_hash) VALUES
			('news', 'file:///srv/articles/harbour%20opens.md', 1, 1, x'00', x'00'),
			('news', 'file:///srv/articles/quay.txt', 2, 2, x'00', x'00'),
			('wire', 'https://example.org/file://x/1', 3, 3, x'00', x'00')`,
	)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckFilesIDs(t, db)
}
