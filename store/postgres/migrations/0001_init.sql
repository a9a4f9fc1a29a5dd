CREATE TABLE items (
	-- Byte order, as in SQLite: the paging cursor compares these.
	source       text        COLLATE "C" NOT NULL,
	id           text        COLLATE "C" NOT NULL,
	link         text        NOT NULL DEFAULT '',
	title        text        NOT NULL DEFAULT '',
	summary      text        NOT NULL DEFAULT '',
	content      text        NOT NULL DEFAULT '',
	authors      jsonb,      -- NULL when empty
	categories   jsonb,
	enclosures   jsonb,
	image        text        NOT NULL DEFAULT '',
	published    timestamptz,
	updated      timestamptz,
	first_seen   timestamptz NOT NULL,
	sort_date    timestamptz NOT NULL, -- published, else updated, else first_seen
	hash         bytea       NOT NULL, -- every field but content and first_seen
	content_hash bytea       NOT NULL,
	PRIMARY KEY (source, id)
);

-- Feed windows across many sources, newest first.
CREATE INDEX items_sort_date ON items (sort_date DESC, source, id);
-- One source's window, pruning and counts.
CREATE INDEX items_source_sort_date ON items (source, sort_date DESC, id);

CREATE TABLE states (
	source        text        COLLATE "C" NOT NULL PRIMARY KEY,
	etag          text        NOT NULL DEFAULT '',
	last_modified text        NOT NULL DEFAULT '',
	last_fetch    timestamptz,
	last_success  timestamptz,
	last_error    text        NOT NULL DEFAULT '',
	failures      integer     NOT NULL DEFAULT 0,
	not_before    timestamptz
);

-- A replica fetches a source only while it holds the source's lease.
CREATE TABLE leases (
	source  text        NOT NULL PRIMARY KEY,
	owner   text        NOT NULL,
	expires timestamptz NOT NULL
);
