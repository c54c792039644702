-- +goose Up
-- socialrx store, version 1: documents with their filter columns, the event
-- log, the transactional outbox and the idempotency keys of creates.

CREATE TABLE documents (
    kind        text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    version     bigint NOT NULL CHECK (version >= 1),
    status      text NOT NULL DEFAULT '',
    owner       text NOT NULL DEFAULT '',
    partner     text NOT NULL DEFAULT '',
    person      text NOT NULL DEFAULT '',
    due_at      timestamptz,
    data        jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- last_seq is the Seq of the document's newest event.
    last_seq    bigint NOT NULL DEFAULT 0,
    -- lease_owner and lease_until hold the scheduler's claim (LeaseDue).
    lease_owner text,
    lease_until timestamptz,
    PRIMARY KEY (kind, id)
);

-- List filters: each keeps the (kind, filter, id) order so a filtered page is
-- an index range scan in cursor order.
CREATE INDEX documents_status_idx  ON documents (kind, status, id);
CREATE INDEX documents_owner_idx   ON documents (kind, owner, id)   WHERE owner <> '';
CREATE INDEX documents_partner_idx ON documents (kind, partner, id) WHERE partner <> '';
CREATE INDEX documents_person_idx  ON documents (kind, person, id)  WHERE person <> '';
CREATE INDEX documents_updated_idx ON documents (kind, updated_at);
-- The scheduler's queue (LeaseDue).
CREATE INDEX documents_due_idx     ON documents (kind, due_at) WHERE due_at IS NOT NULL;

CREATE TABLE events (
    kind   text COLLATE "C" NOT NULL,
    id     text COLLATE "C" NOT NULL,
    seq    bigint NOT NULL CHECK (seq >= 1),
    type   text NOT NULL,
    actor  text NOT NULL,
    at     timestamptz NOT NULL,
    data   jsonb,
    PRIMARY KEY (kind, id, seq),
    FOREIGN KEY (kind, id) REFERENCES documents (kind, id)
);

CREATE TABLE outbox (
    id              text COLLATE "C" PRIMARY KEY,
    idempotency_key text NOT NULL,
    -- seq orders messages queued at the same instant.
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    target          text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    lease_owner     text,
    lease_until     timestamptz,
    CONSTRAINT outbox_idempotency_key_key UNIQUE (idempotency_key)
);

-- The delivery queue (LeaseOutbox, OutboxDepth): undelivered messages only.
CREATE INDEX outbox_pending_idx ON outbox (created_at, seq) WHERE delivered_at IS NULL;

CREATE TABLE create_keys (
    key        text PRIMARY KEY,
    kind       text COLLATE "C" NOT NULL,
    id         text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL
);
