-- Intents (see instagram_core.ports.intents): a message of a write to Cassandra or Redis is
-- an outbox row written *before* that write, `held` until the write returned. The relay
-- sends only rows not held; a row still held after the grace period was left by a crash,
-- and the recovery sweep releases it (the write is in its store) or deletes it (it is not).
-- The index serves both the relay (held = 0, in id order) and the sweep (held = 1).

ALTER TABLE outbox ADD COLUMN IF NOT EXISTS held TINYINT UNSIGNED NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS outbox_held ON outbox (held, id);
