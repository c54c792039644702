-- +goose Up
-- socialrx store, version 3: dead-lettered outbox messages (no longer
-- leased until an admin re-drives them), and the indexes that pruning of
-- delivered messages and old create idempotency keys uses.

ALTER TABLE outbox ADD COLUMN dead_at timestamptz;
CREATE INDEX outbox_dead_idx      ON outbox (id) WHERE dead_at IS NOT NULL;
CREATE INDEX outbox_delivered_idx ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX create_keys_created_idx ON create_keys (created_at);
