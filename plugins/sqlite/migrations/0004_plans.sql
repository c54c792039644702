-- +goose Up
-- socialrx SQLite store, version 4: the delivery queue holds only the
-- messages still to deliver. outbox_pending kept dead-lettered messages, so
-- every lease and depth count walked past all of them, a cost that grew
-- with every message given up on; outbox_queue replaces it.

CREATE INDEX outbox_queue ON outbox (created_at, seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
DROP INDEX IF EXISTS outbox_pending;
