-- Times are integer Unix milliseconds, UTC: compact, fast to compare, and
-- wide enough for any date a feed may claim. NULL means unknown.
CREATE TABLE items (
	source       TEXT    NOT NULL,
	id           TEXT    NOT NULL,
	link         TEXT    NOT NULL DEFAULT '',
	title        TEXT    NOT NULL DEFAULT '',
	summary      TEXT    NOT NULL DEFAULT '',
	content      TEXT    NOT NULL DEFAULT '',
	authors      TEXT    NOT NULL DEFAULT '', -- JSON array, '' when empty
	categories   TEXT    NOT NULL DEFAULT '',
	enclosures   TEXT    NOT NULL DEFAULT '',
	image        TEXT    NOT NULL DEFAULT '',
	published    INTEGER,
	updated      INTEGER,
	first_seen   INTEGER NOT NULL,
	sort_date    INTEGER NOT NULL, -- published, else updated, else first_seen
	hash         BLOB    NOT NULL, -- every field but content and first_seen
	content_hash BLOB    NOT NULL,
	PRIMARY KEY (source, id)
);

-- Feed windows across many sources, newest first.
CREATE INDEX items_sort_date ON items (sort_date DESC, source, id);
-- One source's window, pruning and counts.
CREATE INDEX items_source_sort_date ON items (source, sort_date DESC, id);

CREATE TABLE states (
	source        TEXT    NOT NULL PRIMARY KEY,
	etag          TEXT    NOT NULL DEFAULT '',
	last_modified TEXT    NOT NULL DEFAULT '',
	last_fetch    INTEGER,
	last_success  INTEGER,
	last_error    TEXT    NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0,
	not_before    INTEGER
);
