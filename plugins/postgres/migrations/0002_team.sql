-- +goose Up
-- socialrx store, version 2: documents carry the team of link workers whose
-- case they are, as a filter column like owner and partner.

ALTER TABLE documents ADD COLUMN team text NOT NULL DEFAULT '';
CREATE INDEX documents_team_idx ON documents (kind, team, id) WHERE team <> '';
