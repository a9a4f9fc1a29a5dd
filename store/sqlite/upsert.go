package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

// upsertSQL inserts an item or updates the stored one. first_seen is never
// updated, and an empty content keeps the stored content. changed moves only
// when the row does: upsertTx writes no unchanged item, but the CASE keeps
// the rule true of the statement itself.
const upsertSQL = `
INSERT INTO items (source, id, link, title, summary, content, authors, categories,
	enclosures, image, published, updated, first_seen, changed, sort_date, hash, content_hash, extra)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
	link = excluded.link,
	title = excluded.title,
	summary = excluded.summary,
	content = CASE WHEN excluded.content = '' THEN items.content ELSE excluded.content END,
	authors = excluded.authors,
	categories = excluded.categories,
	enclosures = excluded.enclosures,
	image = excluded.image,
	extra = excluded.extra,
	published = excluded.published,
	updated = excluded.updated,
	sort_date = coalesce(excluded.published, excluded.updated, items.first_seen),
	hash = excluded.hash,
	content_hash = CASE WHEN excluded.content = '' THEN items.content_hash ELSE excluded.content_hash END,
	changed = CASE WHEN items.hash <> excluded.hash
		OR (excluded.content <> '' AND items.content_hash <> excluded.content_hash)
		THEN excluded.changed ELSE items.changed END`

// Upsert stores one source's items in one transaction. Items whose stored
// hashes match are not written at all.
func (db *DB) Upsert(ctx context.Context, source string, items []sources.Item, now time.Time) (store.UpsertStats, error) {
	var stats store.UpsertStats
	items, err := codec.Batch(source, items)
	if err != nil {
		return stats, err
	}
	if len(items) == 0 {
		return stats, nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return stats, fmt.Errorf("upsert %s: %w", source, err)
	}
	defer tx.Rollback()
	if stats, err = upsertTx(ctx, tx, source, items, now); err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert %s: %w", source, err)
	}
	if stats.New+stats.Updated > 0 {
		if err := bumpVersion(ctx, tx, source, now); err != nil {
			return store.UpsertStats{}, fmt.Errorf("upsert %s: %w", source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert %s: commit: %w", source, err)
	}
	return stats, nil
}

func upsertTx(ctx context.Context, tx *sql.Tx, source string, items []sources.Item, now time.Time) (store.UpsertStats, error) {
	var stats store.UpsertStats
	get, err := tx.PrepareContext(ctx, `SELECT hash, content_hash FROM items WHERE source = ? AND id = ?`)
	if err != nil {
		return stats, err
	}
	defer get.Close()
	put, err := tx.PrepareContext(ctx, upsertSQL)
	if err != nil {
		return stats, err
	}
	defer put.Close()
	for i := range items {
		it := &items[i]
		hash, chash := codec.MetaHash(it), codec.ContentHash(it.Content)
		var oldHash, oldCHash []byte
		err := get.QueryRowContext(ctx, source, it.ID).Scan(&oldHash, &oldCHash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			stats.New++
		case err != nil:
			return stats, fmt.Errorf("item %s: %w", it.ID, err)
		case bytes.Equal(hash, oldHash) && (it.Content == "" || bytes.Equal(chash, oldCHash)):
			continue // unchanged: write nothing
		default:
			stats.Updated++
		}
		if err := putItem(ctx, put, source, it, hash, chash, now); err != nil {
			return stats, fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	return stats, nil
}

func putItem(ctx context.Context, put *sql.Stmt, source string, it *sources.Item, hash, chash []byte, now time.Time) error {
	authors, categories, enclosures, err := codec.EncodeLists(it)
	if err != nil {
		return err
	}
	extra, err := codec.StoredExtra(it)
	if err != nil {
		return err
	}
	seen := *it
	seen.FirstSeen = now
	_, err = put.ExecContext(ctx, source, it.ID, it.Link, it.Title, it.Summary, it.Content,
		authors, categories, enclosures, it.Image, millis(it.Published), millis(it.Updated),
		now.UnixMilli(), now.UnixMilli(), seen.Date().UnixMilli(), hash, chash, extra)
	return err
}
