-- versions: when each source's stored items last changed, so a feed's
-- validators come from the data without rendering it, on every replica.
-- Seeded from the items' own change times.
CREATE TABLE versions (
	source  text        COLLATE "C" NOT NULL PRIMARY KEY,
	changed timestamptz NOT NULL
);
INSERT INTO versions (source, changed)
SELECT source, date_trunc('milliseconds', max(changed)) FROM items GROUP BY source;

-- hot_feeds: rendered feeds recently in demand ("slug.format"), rendered
-- first after a restart.
CREATE TABLE hot_feeds (
	feed text        NOT NULL PRIMARY KEY,
	used timestamptz NOT NULL
);
CREATE INDEX hot_feeds_used ON hot_feeds (used DESC);

-- next_due: when the source's schedule next comes round after its last
-- fetch, shared so a replica taking over does not fetch again.
ALTER TABLE states ADD COLUMN next_due timestamptz;
