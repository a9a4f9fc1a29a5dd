-- last_new_item is when a fetch last brought an item not seen before (Unix
-- milliseconds), for sources[].expect. Existing sources start from their
-- newest first sighting, the best the items table can tell.
ALTER TABLE states ADD COLUMN last_new_item INTEGER;
UPDATE states SET last_new_item = (SELECT max(first_seen) FROM items WHERE items.source = states.source);

-- The recent fetches of each source, for the status pages. RecordFetch
-- keeps it bounded per source.
CREATE TABLE fetches (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- insertion order, the tie-break
	source      TEXT    NOT NULL,
	at          INTEGER NOT NULL,
	outcome     TEXT    NOT NULL,
	http_status INTEGER NOT NULL DEFAULT 0,
	new_items   INTEGER NOT NULL DEFAULT 0,
	updated_items INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	error       TEXT    NOT NULL DEFAULT '',
	warnings    TEXT    NOT NULL DEFAULT '', -- JSON array, '' when empty
	matches     TEXT    NOT NULL DEFAULT ''  -- JSON array, '' when empty
);
CREATE INDEX fetches_source ON fetches (source, at DESC, seq DESC);
