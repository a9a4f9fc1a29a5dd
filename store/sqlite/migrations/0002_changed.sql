-- changed is when the item's stored content last changed (Unix
-- milliseconds): feeds date themselves by it, so an edited item moves
-- Last-Modified even when its own dates stay put. Existing items have not
-- changed since they were first seen, as far as anyone can tell.
ALTER TABLE items ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
UPDATE items SET changed = first_seen;
