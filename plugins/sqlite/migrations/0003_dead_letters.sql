-- +goose Up
-- socialrx SQLite store, version 3: dead-lettered outbox messages (no longer
-- leased until an admin re-drives them), and pruning of delivered messages
-- and old create idempotency keys (keys stored before this migration count
-- from it).

ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
ALTER TABLE idempotency ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE idempotency SET created_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER);
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX idempotency_created ON idempotency (created_at);
