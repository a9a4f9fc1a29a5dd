-- extra holds what issue 11 adds to an item as one JSON object ('' when
-- none): podcast and Media RSS metadata, the upstream it came from, its
-- SimHash. It is read and written whole, never queried by its parts. The
-- default serves replicas of the previous version during a rolling upgrade.
ALTER TABLE items ADD COLUMN extra text NOT NULL DEFAULT '';

-- RFC 5005 archives walk a feed's items oldest first by when they were
-- first seen, which never changes, so pages do not shift. Led by source so
-- that a page's range of a few sources is a few short index ranges.
CREATE INDEX items_source_first_seen ON items (source, first_seen, id);

-- The boundary of each complete archive page of a feed: the (first_seen,
-- source, id) of its last item. Recorded once (the first replica to record
-- it wins), so a page keeps its items when older ones are pruned.
CREATE TABLE archive_pages (
	feed       text        COLLATE "C" NOT NULL,
	n          integer     NOT NULL,
	first_seen timestamptz NOT NULL,
	source     text        COLLATE "C" NOT NULL,
	id         text        COLLATE "C" NOT NULL,
	PRIMARY KEY (feed, n)
);
