-- +goose Up
-- socialrx SQLite store, version 1: documents with their filter columns, the
-- event log, the idempotency keys of creates and the transactional outbox.
-- Times are INTEGER microseconds since the Unix epoch in UTC.

CREATE TABLE IF NOT EXISTS documents (
	kind        TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	status      TEXT    NOT NULL DEFAULT '',
	owner       TEXT    NOT NULL DEFAULT '',
	partner     TEXT    NOT NULL DEFAULT '',
	person      TEXT    NOT NULL DEFAULT '',
	due_at      INTEGER,
	data        BLOB    NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	lease_owner TEXT,
	lease_until INTEGER,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_status  ON documents (kind, status, id);
CREATE INDEX IF NOT EXISTS documents_owner   ON documents (kind, owner, id);
CREATE INDEX IF NOT EXISTS documents_partner ON documents (kind, partner, id);
CREATE INDEX IF NOT EXISTS documents_person  ON documents (kind, person, id);
CREATE INDEX IF NOT EXISTS documents_updated ON documents (kind, updated_at);
CREATE INDEX IF NOT EXISTS documents_due     ON documents (kind, due_at) WHERE due_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS events (
	kind  TEXT    NOT NULL,
	id    TEXT    NOT NULL,
	seq   INTEGER NOT NULL,
	type  TEXT    NOT NULL,
	actor TEXT    NOT NULL,
	at    INTEGER NOT NULL,
	data  BLOB,
	PRIMARY KEY (kind, id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS idempotency (
	key    TEXT PRIMARY KEY,
	result BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS outbox (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	id              TEXT    NOT NULL UNIQUE,
	idempotency_key TEXT    NOT NULL UNIQUE,
	target          TEXT    NOT NULL,
	payload         BLOB    NOT NULL,
	created_at      INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT    NOT NULL DEFAULT '',
	delivered_at    INTEGER,
	lease_owner     TEXT,
	lease_until     INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (created_at, seq) WHERE delivered_at IS NULL;
