-- last_new_item is when a fetch last brought an item not seen before, for
-- sources[].expect. Existing sources start from their newest first
-- sighting, the best the items table can tell.
ALTER TABLE states ADD COLUMN last_new_item timestamptz;
UPDATE states SET last_new_item = (SELECT max(first_seen) FROM items WHERE items.source = states.source);

-- The recent fetches of each source, for the status pages; the same on
-- every replica. RecordFetch keeps it bounded per source.
CREATE TABLE fetches (
	seq         bigserial   PRIMARY KEY, -- insertion order, the tie-break
	source      text        COLLATE "C" NOT NULL,
	at          timestamptz NOT NULL,
	outcome     text        NOT NULL,
	http_status integer     NOT NULL DEFAULT 0,
	new_items   integer     NOT NULL DEFAULT 0,
	updated_items integer    NOT NULL DEFAULT 0,
	duration_ms bigint      NOT NULL DEFAULT 0,
	error       text        NOT NULL DEFAULT '',
	warnings    jsonb,      -- NULL when empty
	matches     jsonb
);
CREATE INDEX fetches_source ON fetches (source, at DESC, seq DESC);
