package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/internal/codec"
)

// upsertSQL writes a whole batch in one statement. The WHERE clause skips
// unchanged items (an empty content is no change: it keeps the stored one),
// so every row written is a real change and may set changed to now.
// RETURNING yields one row per item written, and xmax = 0 tells an insert
// from an update even when replicas write the same items at once.
const upsertSQL = `
INSERT INTO items (source, id, link, title, summary, content, authors, categories,
	enclosures, image, published, updated, first_seen, changed, sort_date, hash, content_hash, extra)
SELECT $1, u.id, u.link, u.title, u.summary, u.content, u.authors::jsonb, u.categories::jsonb,
	u.enclosures::jsonb, u.image, u.published, u.updated, $2, $2, coalesce(u.published, u.updated, $2), u.hash, u.content_hash, u.extra
FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
	$10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::bytea[], $15::bytea[], $16::text[])
	AS u(id, link, title, summary, content, authors, categories, enclosures, image, published, updated, hash, content_hash, extra)
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
	changed = excluded.changed
WHERE items.hash <> excluded.hash
	OR (excluded.content <> '' AND items.content_hash <> excluded.content_hash)
RETURNING xmax = 0`

// batch is an Upsert's items as column arrays for unnest.
type batch struct {
	ids, links, titles, summaries, contents, images []string
	extras                                          []string
	authors, categories, enclosures                 []pgtype.Text
	published, updated                              []pgtype.Timestamptz
	hashes, contentHashes                           [][]byte
}

func newBatch(items []sources.Item) (*batch, error) {
	b := &batch{}
	for i := range items {
		if err := b.add(&items[i]); err != nil {
			return nil, fmt.Errorf("item %s: %w", items[i].ID, err)
		}
	}
	return b, nil
}

func (b *batch) add(orig *sources.Item) error {
	c := cleanItem(orig)
	it := &c
	authors, categories, enclosures, err := codec.EncodeLists(it)
	if err != nil {
		return err
	}
	extra, err := codec.StoredExtra(it)
	if err != nil {
		return err
	}
	b.extras = append(b.extras, extra)
	b.ids = append(b.ids, it.ID)
	b.links = append(b.links, it.Link)
	b.titles = append(b.titles, it.Title)
	b.summaries = append(b.summaries, it.Summary)
	b.contents = append(b.contents, it.Content)
	b.images = append(b.images, it.Image)
	b.authors = append(b.authors, pgtype.Text{String: authors, Valid: authors != ""})
	b.categories = append(b.categories, pgtype.Text{String: categories, Valid: categories != ""})
	b.enclosures = append(b.enclosures, pgtype.Text{String: enclosures, Valid: enclosures != ""})
	b.published = append(b.published, timestamptz(it.Published))
	b.updated = append(b.updated, timestamptz(it.Updated))
	b.hashes = append(b.hashes, codec.MetaHash(it))
	b.contentHashes = append(b.contentHashes, codec.ContentHash(it.Content))
	return nil
}

// Upsert stores one source's items in one statement, so in one transaction.
func (db *DB) Upsert(ctx context.Context, source string, items []sources.Item, now time.Time) (store.UpsertStats, error) {
	var stats store.UpsertStats
	items, err := codec.Batch(source, items)
	if err != nil {
		return stats, err
	}
	if len(items) == 0 {
		return stats, nil
	}
	b, err := newBatch(items)
	if err != nil {
		return stats, fmt.Errorf("upsert %s: %w", source, err)
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, upsertSQL, clean(source), now, b.ids, b.links, b.titles, b.summaries,
			b.contents, b.authors, b.categories, b.enclosures, b.images, b.published, b.updated,
			b.hashes, b.contentHashes, b.extras)
		if err != nil {
			return err
		}
		var inserted bool
		_, err = pgx.ForEachRow(rows, []any{&inserted}, func() error {
			if inserted {
				stats.New++
			} else {
				stats.Updated++
			}
			return nil
		})
		if err != nil || stats.New+stats.Updated == 0 {
			return err
		}
		if err := bumpVersion(ctx, tx, source, now); err != nil {
			return err
		}
		return db.notify(ctx, tx, source)
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert %s: %w", source, err)
	}
	return stats, nil
}

// timestamptz encodes a time for PostgreSQL, NULL when zero.
func timestamptz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// fromTimestamptz decodes a nullable time in UTC.
func fromTimestamptz(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
