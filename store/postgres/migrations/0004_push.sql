-- Push: the built-in WebSub hub's subscriptions, the outbox of deliveries
-- (hub content distribution, hub pings, webhooks), the keys each webhook or
-- ping has already seen, and tributary's own upstream subscriptions.
-- Replicas claim deliveries with SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE hub_subscriptions (
	topic    text        NOT NULL,
	callback text        NOT NULL,
	secret   text        NOT NULL DEFAULT '',
	expires  timestamptz NOT NULL,
	version  text        NOT NULL DEFAULT '',
	PRIMARY KEY (topic, callback)
);

CREATE TABLE push_outbox (
	id            bigserial   PRIMARY KEY,
	kind          text        NOT NULL,
	target        text        NOT NULL,
	topic         text        NOT NULL,
	payload       bytea,
	attempts      integer     NOT NULL DEFAULT 0,
	not_before    timestamptz NOT NULL,
	last_error    text        NOT NULL DEFAULT '',
	claimed_by    text        NOT NULL DEFAULT '',
	claimed_until timestamptz
);
CREATE INDEX push_outbox_due ON push_outbox (not_before, id);

CREATE TABLE push_seen (
	grp  text        NOT NULL,
	key  text        NOT NULL,
	seen timestamptz NOT NULL,
	PRIMARY KEY (grp, key)
);

CREATE TABLE websub_upstreams (
	source     text        NOT NULL PRIMARY KEY,
	hub        text        NOT NULL,
	topic      text        NOT NULL,
	token_hash bytea       NOT NULL,
	secret     text        NOT NULL,
	active     boolean     NOT NULL DEFAULT false,
	expires    timestamptz,
	updated    timestamptz NOT NULL
);
