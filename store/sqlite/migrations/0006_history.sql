-- extra holds what issue 11 adds to an item as one JSON object ('' when
-- none): podcast and Media RSS metadata, the upstream it came from, its
-- SimHash. It is read and written whole, never queried by its parts.
ALTER TABLE items ADD COLUMN extra TEXT NOT NULL DEFAULT '';

-- RFC 5005 archives walk a feed's items oldest first by when they were
-- first seen, which never changes, so pages do not shift. Led by source so
-- that a page's range of a few sources is a few short index ranges.
CREATE INDEX items_source_first_seen ON items (source, first_seen, id);

-- The boundary of each complete archive page of a feed: the (first_seen,
-- source, id) of its last item. Recorded once, so a page keeps its items
-- (and its bytes) when older items are pruned or newer ones arrive.
CREATE TABLE archive_pages (
	feed       TEXT    NOT NULL,
	n          INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	source     TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	PRIMARY KEY (feed, n)
);
