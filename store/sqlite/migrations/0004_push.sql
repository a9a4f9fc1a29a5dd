-- Push: the built-in WebSub hub's subscriptions, the outbox of deliveries
-- (hub content distribution, hub pings, webhooks), the keys each webhook or
-- ping has already seen, and tributary's own upstream subscriptions.
-- Times are Unix milliseconds, as in items.
CREATE TABLE hub_subscriptions (
	topic    TEXT    NOT NULL,
	callback TEXT    NOT NULL,
	secret   TEXT    NOT NULL DEFAULT '',
	expires  INTEGER NOT NULL,
	version  TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (topic, callback)
);

CREATE TABLE push_outbox (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	kind          TEXT    NOT NULL,
	target        TEXT    NOT NULL,
	topic         TEXT    NOT NULL,
	payload       BLOB,
	attempts      INTEGER NOT NULL DEFAULT 0,
	not_before    INTEGER NOT NULL,
	last_error    TEXT    NOT NULL DEFAULT '',
	claimed_by    TEXT    NOT NULL DEFAULT '',
	claimed_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX push_outbox_due ON push_outbox (not_before, id);

CREATE TABLE push_seen (
	grp  TEXT    NOT NULL,
	key  TEXT    NOT NULL,
	seen INTEGER NOT NULL,
	PRIMARY KEY (grp, key)
);

CREATE TABLE websub_upstreams (
	source     TEXT    NOT NULL PRIMARY KEY,
	hub        TEXT    NOT NULL,
	topic      TEXT    NOT NULL,
	token_hash BLOB    NOT NULL,
	secret     TEXT    NOT NULL,
	active     INTEGER NOT NULL DEFAULT 0,
	expires    INTEGER,
	updated    INTEGER NOT NULL
);
