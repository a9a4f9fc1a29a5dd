-- changed is when the item's stored content last changed: feeds date
-- themselves by it, so an edited item moves Last-Modified even when its own
-- dates stay put. Existing items have not changed since they were first
-- seen, as far as anyone can tell. The default serves replicas still running
-- the previous version during a rolling upgrade, whose inserts omit it.
ALTER TABLE items ADD COLUMN changed timestamptz;
UPDATE items SET changed = first_seen;
ALTER TABLE items ALTER COLUMN changed SET DEFAULT now(), ALTER COLUMN changed SET NOT NULL;
