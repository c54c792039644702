-- +goose Up
-- socialrx store, version 4: no foreign-key check on the write path, and a
-- delivery queue of only the messages still to deliver.
--
-- The events -> documents foreign key made every event insert look its
-- document up through a plan PostgreSQL caches per connection, made when
-- the table was small and kept as it grows: 79% of the server's CPU under
-- 16 writers. The store keeps the invariant itself: Create inserts events
-- only for the document the same statement inserts, Update only for the
-- row the same statement updates (and holds locked), and Erase deletes the
-- document (which waits for, then excludes, any Update of it) before its
-- events, in one transaction.
--
-- outbox_pending_idx kept dead-lettered messages, so every lease and depth
-- count walked past all of them; outbox_queue_idx replaces it.

ALTER TABLE events DROP CONSTRAINT IF EXISTS events_kind_id_fkey;
CREATE INDEX outbox_queue_idx ON outbox (created_at, seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
DROP INDEX IF EXISTS outbox_pending_idx;
