-- +goose Up
-- socialrx SQLite store, version 2: documents carry the team of link workers
-- whose case they are, as a filter column like owner and partner.

ALTER TABLE documents ADD COLUMN team TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_team ON documents (kind, team, id);
