--
-- PostgreSQL database dump
--

\restrict noxPaQGGCM3ZpYEzW5kvomoOdXiOcLtcfRaJ4O5MrY70zIIBYahHqYj2fzAbzju

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: socialrx_fixture; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA socialrx_fixture;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: create_keys; Type: TABLE; Schema: socialrx_fixture; Owner: -
--

CREATE TABLE socialrx_fixture.create_keys (
    key text NOT NULL,
    kind text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL
);


--
-- Name: documents; Type: TABLE; Schema: socialrx_fixture; Owner: -
--

CREATE TABLE socialrx_fixture.documents (
    kind text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    version bigint NOT NULL,
    status text DEFAULT ''::text NOT NULL,
    owner text DEFAULT ''::text NOT NULL,
    partner text DEFAULT ''::text NOT NULL,
    person text DEFAULT ''::text NOT NULL,
    due_at timestamp with time zone,
    data jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    last_seq bigint DEFAULT 0 NOT NULL,
    lease_owner text,
    lease_until timestamp with time zone,
    team text DEFAULT ''::text NOT NULL,
    CONSTRAINT documents_data_check CHECK ((jsonb_typeof(data) = 'object'::text)),
    CONSTRAINT documents_version_check CHECK ((version >= 1))
);


--
-- Name: events; Type: TABLE; Schema: socialrx_fixture; Owner: -
--

CREATE TABLE socialrx_fixture.events (
    kind text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    seq bigint NOT NULL,
    type text NOT NULL,
    actor text NOT NULL,
    at timestamp with time zone NOT NULL,
    data jsonb,
    CONSTRAINT events_seq_check CHECK ((seq >= 1))
);


--
-- Name: outbox; Type: TABLE; Schema: socialrx_fixture; Owner: -
--

CREATE TABLE socialrx_fixture.outbox (
    id text NOT NULL COLLATE pg_catalog."C",
    idempotency_key text NOT NULL,
    seq bigint NOT NULL,
    target text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_error text DEFAULT ''::text NOT NULL,
    delivered_at timestamp with time zone,
    lease_owner text,
    lease_until timestamp with time zone
);


--
-- Name: outbox_seq_seq; Type: SEQUENCE; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE socialrx_fixture.outbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME socialrx_fixture.outbox_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: socialrx_fixture; Owner: -
--

CREATE TABLE socialrx_fixture.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Data for Name: create_keys; Type: TABLE DATA; Schema: socialrx_fixture; Owner: -
--

INSERT INTO socialrx_fixture.create_keys VALUES ('dr-patel:fixture-Peggy', 'referral', '01a23430-5adb-7162-bcbe-d95573505873', '2026-12-02 00:38:33.949743+00');
INSERT INTO socialrx_fixture.create_keys VALUES ('dr-patel:fixture-Ada', 'referral', '01a23430-5ae5-7f41-8b23-ee4207e8befe', '2026-12-02 00:38:33.961872+00');
INSERT INTO socialrx_fixture.create_keys VALUES ('dr-patel:fixture-Grace', 'referral', '01a23430-5b41-7898-adc3-21e9be9388f8', '2026-12-02 00:38:34.053539+00');
INSERT INTO socialrx_fixture.create_keys VALUES ('lw-sam:fixture-plan', 'plan', '01a23430-5bb1-76cb-8569-d3a6b8432a88', '2026-12-02 00:38:34.161594+00');
INSERT INTO socialrx_fixture.create_keys VALUES ('lw-sam:fixture-onward', 'onward_referral', '01a23430-5bc5-7d6f-8da1-37d565e94701', '2026-12-02 00:38:34.182155+00');
INSERT INTO socialrx_fixture.create_keys VALUES ('lw-sam:fixture-measure', 'measurement', '01a23430-5bd0-7077-97e4-bfe0e44e6ab6', '2026-12-02 00:38:34.201414+00');


--
-- Data for Name: documents; Type: TABLE DATA; Schema: socialrx_fixture; Owner: -
--

INSERT INTO socialrx_fixture.documents VALUES ('organization', '0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10', 1, '', '', '', '', NULL, '{"id": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "name": "Kennington Community Gardens", "email": "partners@kennington-gardens.example.org", "description": "Volunteer-run community gardens in Kennington."}', '2026-12-02 00:38:33.855968+00', '2026-12-02 00:38:33.855968+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('service', '5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60', 1, 'active', '', '0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10', '', NULL, '{"id": "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "name": "Tuesday Gardening Club", "email": "hello@kennington-gardens.example.org", "status": "active", "schedules": [{"id": "6b2f1d2f-3c20-4b68-8e8f-2e4c3d5f6a71", "freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00", "valid_from": "2026-01-01"}], "attributes": [{"id": "af6d5163-7a64-4fac-8c23-6c8a7b9d0eb5", "taxonomy_term": {"id": "b07e6274-8b75-40bd-9d34-7d9b8c0e1fc6", "name": "Gardening", "taxonomy": "socialrx-activities", "description": "Gardening and growing"}}], "description": "A friendly community gardening group on the estate allotments. Tools and tea provided; no experience needed.", "cost_options": [{"id": "7c3a2e30-4d31-4c79-9f90-3f5d4e6a7b82", "amount": 0, "option": "Free"}], "organization": {"id": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "name": "Kennington Community Gardens", "email": "partners@kennington-gardens.example.org", "description": "Volunteer-run community gardens in Kennington."}, "organization_id": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "service_at_locations": [{"id": "8d4b3f41-5e42-4d8a-8a01-4a6e5f7b8c93", "location": {"id": "9e5c4052-6f53-4e9b-9b12-5b7f6a8c9da4", "name": "Estate allotments", "latitude": 51.4876, "longitude": -0.1109, "location_type": "physical"}}]}', '2026-12-02 00:38:33.87304+00', '2026-12-02 00:38:33.87304+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('service', 'c18f7385-9c86-41ce-8e45-8eac9d1f2a07', 1, 'active', '', '', '', NULL, '{"id": "c18f7385-9c86-41ce-8e45-8eac9d1f2a07", "name": "Riverside Singing for Wellbeing", "status": "active", "schedules": [{"id": "d2908496-ad97-42df-9f56-9fbd0e2a3b18", "freq": "WEEKLY", "byday": "TH", "opens_at": "14:00", "closes_at": "15:30", "valid_from": "2026-01-01"}], "description": "A relaxed community choir for people who have never sung before."}', '2026-12-02 00:38:33.885607+00', '2026-12-02 00:38:33.885607+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'AB1 0AA', 1, '', '', '', '', NULL, '{"latitude": 57.101474, "postcode": "AB1 0AA", "longitude": -2.242851}', '2026-12-02 00:38:33.898904+00', '2026-12-02 00:38:33.898904+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'AB1 0AB', 1, '', '', '', '', NULL, '{"latitude": 57.102554, "postcode": "AB1 0AB", "longitude": -2.246308}', '2026-12-02 00:38:33.905217+00', '2026-12-02 00:38:33.905217+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'SE1P 5ZZ', 1, '', '', '', '', NULL, '{"latitude": 51.492762, "postcode": "SE1P 5ZZ", "longitude": -0.080152}', '2026-12-02 00:38:33.913349+00', '2026-12-02 00:38:33.913349+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'SE1 9ZZ', 1, '', '', '', '', NULL, '{"latitude": 51.506903, "postcode": "SE1 9ZZ", "longitude": -0.100841}', '2026-12-02 00:38:33.925221+00', '2026-12-02 00:38:33.925221+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'M11 1AA', 1, '', '', '', '', NULL, '{"latitude": 53.473628, "postcode": "M11 1AA", "longitude": -2.172086}', '2026-12-02 00:38:33.936951+00', '2026-12-02 00:38:33.936951+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('postcode', 'M1 1AD', 1, '', '', '', '', NULL, '{"latitude": 53.483784, "postcode": "M1 1AD", "longitude": -2.244866}', '2026-12-02 00:38:33.940991+00', '2026-12-02 00:38:33.940991+00', 1, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('referral', '01a23430-5adb-7162-bcbe-d95573505873', 1, 'received', '', '', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', NULL, '{"id": "01a23430-5adb-7162-bcbe-d95573505873", "needs": ["loneliness_isolation", "bereavement"], "person": {"contact": {"phone": "020 7946 0018", "address": "12 Kennington Road, London SE11 5QY", "methods": ["phone", "letter"]}, "language": "en", "postcode": "SE11 5QY", "given_name": "Peggy", "nhs_number": "9434765919", "family_name": "O''Neill", "wants_escort": true, "accessibility": ["large_print", "step_free"], "date_of_birth": "1948-03-14", "preferred_name": "Peggy"}, "reason": "Widowed in the spring; rarely leaves the house; low mood.", "status": "received", "episode": 1, "history": [{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}], "urgency": "routine", "consents": {"referral": {"given": true, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "evaluation": {"given": false, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "share_with_partners": {"given": true, "scope": "minimal", "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "contact_for_feedback": {"given": true, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}}, "referrer": {"kind": "gp", "name": "Dr Asha Patel", "email": "asha.patel@riverside.example.nhs.uk", "organisation": "Riverside Medical Practice", "organisation_code": "A81001"}, "received_at": "2026-11-02T11:00:00Z"}', '2026-12-02 00:38:33.949743+00', '2026-12-02 00:38:33.949743+00', 2, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5add-7aaf-abb3-a6c2b01c9759', 1, 'create', 'dr-patel', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5add-7aaf-abb3-a6c2b01c9759", "who": {"id": "dr-patel", "role": "referrer", "team": "north", "organisation": "A81001"}, "kind": "referral", "action": "create", "target": "01a23430-5adb-7162-bcbe-d95573505873"}', '2026-12-02 00:38:33.949743+00', '2026-12-02 00:38:33.949743+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5ae9-7ca7-9942-7a32381c9e73', 1, 'create', 'dr-patel', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5ae9-7ca7-9942-7a32381c9e73", "who": {"id": "dr-patel", "role": "referrer", "team": "north", "organisation": "A81001"}, "kind": "referral", "action": "create", "target": "01a23430-5ae5-7f41-8b23-ee4207e8befe"}', '2026-12-02 00:38:33.961872+00', '2026-12-02 00:38:33.961872+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('referral', '01a23430-5ae5-7f41-8b23-ee4207e8befe', 2, 'declined', '', '', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', NULL, '{"id": "01a23430-5ae5-7f41-8b23-ee4207e8befe", "needs": ["loneliness_isolation", "bereavement"], "person": {"contact": {"phone": "020 7946 0018", "address": "12 Kennington Road, London SE11 5QY", "methods": ["phone", "letter"]}, "language": "en", "postcode": "SE11 5QY", "given_name": "Ada", "nhs_number": "9434765919", "family_name": "O''Neill", "wants_escort": true, "accessibility": ["large_print", "step_free"], "date_of_birth": "1948-03-14", "preferred_name": "Peggy"}, "reason": "Widowed in the spring; rarely leaves the house; low mood.", "status": "declined", "episode": 1, "history": [{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "declined", "from": "received", "note": "seen already", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "reason": "duplicate", "episode": 1}], "urgency": "routine", "version": 1, "consents": {"referral": {"given": true, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "evaluation": {"given": false, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "share_with_partners": {"given": true, "scope": "minimal", "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "contact_for_feedback": {"given": true, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}}, "referrer": {"kind": "gp", "name": "Dr Asha Patel", "email": "asha.patel@riverside.example.nhs.uk", "organisation": "Riverside Medical Practice", "organisation_code": "A81001"}, "received_at": "2026-11-02T11:00:00Z"}', '2026-12-02 00:38:33.961872+00', '2026-12-02 00:38:33.97537+00', 3, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5af7-74f8-829f-1ae9344e2efe', 1, 'change_status', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5af7-74f8-829f-1ae9344e2efe", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "change_status", "target": "01a23430-5ae5-7f41-8b23-ee4207e8befe"}', '2026-12-02 00:38:33.97537+00', '2026-12-02 00:38:33.97537+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b45-7757-b130-7adbdef2ed53', 1, 'create', 'dr-patel', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b45-7757-b130-7adbdef2ed53", "who": {"id": "dr-patel", "role": "referrer", "team": "north", "organisation": "A81001"}, "kind": "referral", "action": "create", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.053539+00', '2026-12-02 00:38:34.053539+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b55-716d-8ba2-068e0d35a59b', 1, 'change_status', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b55-716d-8ba2-068e0d35a59b", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "change_status", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.069192+00', '2026-12-02 00:38:34.069192+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5bd9-75dc-9eb0-a6189be89ab7', 1, 'create', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5bd9-75dc-9eb0-a6189be89ab7", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "measurement", "action": "create", "target": "01a23430-5bd0-7077-97e4-bfe0e44e6ab6"}', '2026-12-02 00:38:34.201414+00', '2026-12-02 00:38:34.201414+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b61-779b-9255-3fa01f5ee670', 1, 'change_status', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b61-779b-9255-3fa01f5ee670", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "change_status", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.081548+00', '2026-12-02 00:38:34.081548+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b71-7372-a751-902e44101474', 1, 'consent', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b71-7372-a751-902e44101474", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "consent", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.097261+00', '2026-12-02 00:38:34.097261+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b7c-70c4-bc4f-34582929fe1c', 1, 'consent', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b7c-70c4-bc4f-34582929fe1c", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "consent", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.108095+00', '2026-12-02 00:38:34.108095+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b81-7cc7-a148-ac6b99b07140', 1, 'consent', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b81-7cc7-a148-ac6b99b07140", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "consent", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.113875+00', '2026-12-02 00:38:34.113875+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 7, 'active', 'lw-sam', '', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', '2026-11-30 00:00:00+00', '{"id": "01a23430-5b41-7898-adc3-21e9be9388f8", "needs": ["loneliness_isolation", "bereavement"], "owner": "lw-sam", "person": {"contact": {"phone": "020 7946 0018", "address": "12 Kennington Road, London SE11 5QY", "methods": ["phone", "letter"]}, "language": "en", "postcode": "SE11 5QY", "given_name": "Grace", "nhs_number": "9434765919", "family_name": "O''Neill", "wants_escort": true, "accessibility": ["large_print", "step_free"], "date_of_birth": "1948-03-14", "preferred_name": "Peggy"}, "reason": "Widowed in the spring; rarely leaves the house; low mood.", "status": "active", "episode": 1, "history": [{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "accepted", "from": "received", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "active", "from": "accepted", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "share_with_partners", "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "evaluation", "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "contact_for_feedback", "episode": 1}, {"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "svc-walks", "type": "signpost", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1, "signpost": "ae5a89b3-c078-47f8-b912-c7fa0d7f4b37"}], "urgency": "routine", "version": 6, "consents": {"referral": {"given": true, "recorded_at": "2026-11-02T10:15:00Z", "recorded_by": "Dr Asha Patel"}, "evaluation": {"given": true, "recorded_at": "2026-11-02T11:00:00Z", "recorded_by": "lw-sam"}, "share_with_partners": {"given": true, "scope": "full", "recorded_at": "2026-11-02T11:00:00Z", "recorded_by": "lw-sam"}, "contact_for_feedback": {"given": true, "recorded_at": "2026-11-02T11:00:00Z", "recorded_by": "lw-sam"}}, "referrer": {"kind": "gp", "name": "Dr Asha Patel", "email": "asha.patel@riverside.example.nhs.uk", "organisation": "Riverside Medical Practice", "organisation_code": "A81001"}, "signposts": [{"id": "ae5a89b3-c078-47f8-b912-c7fa0d7f4b37", "note": "Tuesday walks", "given_at": "2026-11-02T11:00:00Z", "given_by": "lw-sam", "service_id": "svc-walks", "check_in_by": "2026-12-14", "check_in_due": "2026-11-30"}], "received_at": "2026-11-02T11:00:00Z"}', '2026-12-02 00:38:34.053539+00', '2026-12-02 00:38:34.127275+00', 8, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5b8f-73a2-ad9b-fd24d107044e', 1, 'signpost', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5b8f-73a2-ad9b-fd24d107044e", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "referral", "action": "signpost", "target": "01a23430-5b41-7898-adc3-21e9be9388f8"}', '2026-12-02 00:38:34.127275+00', '2026-12-02 00:38:34.127275+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5bb1-7839-b926-c8338ffb0a44', 1, 'create', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5bb1-7839-b926-c8338ffb0a44", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "plan", "action": "create", "target": "01a23430-5bb1-76cb-8569-d3a6b8432a88"}', '2026-12-02 00:38:34.161594+00', '2026-12-02 00:38:34.161594+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('plan', '01a23430-5bb1-76cb-8569-d3a6b8432a88', 2, 'active', 'lw-sam', '', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', NULL, '{"id": "01a23430-5bb1-76cb-8569-d3a6b8432a88", "goals": [{"need": "physical_activity", "text": "Get out of the house twice a week", "set_at": "2026-11-02T11:00:00Z", "status": "not_started"}], "budget": {"initial": 8}, "status": "active", "triage": [{"level": 2, "score": 4, "pathway": "short_term_navigator", "reasons": [{"rule": "heavy_need", "text": "At least one need weighs heavily on the person.", "points": 2}, {"rule": "alone_with_little_support", "text": "Lives alone with little support around them: first steps out are hard without someone alongside.", "points": 2}, {"rule": "level_2", "text": "Level 2, short-term navigator: 6 to 8 weeks of hands-on help with a specific, often practical problem."}], "contacts": 8, "rule_set": "socialrx-default", "assessed_at": "2026-11-02T10:45:00Z", "assessed_by": "lw-sam", "rule_set_version": "1.0.0"}], "history": [{"at": "2026-11-02T11:00:00Z", "by": "lw-sam", "to": "active", "why": "plan made"}], "version": 2, "created_at": "2026-11-02T11:00:00Z", "updated_at": "2026-11-02T11:00:00Z", "link_worker": {"id": "lw-sam", "name": "lw-sam", "email": "team@sp.example.org"}, "person_name": "Peggy", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8", "referral_date": "2026-11-02"}', '2026-12-02 00:38:34.161594+00', '2026-12-02 00:38:34.177424+00', 3, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5bc1-7600-909d-73fac24ea5af', 1, 'goal', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5bc1-7600-909d-73fac24ea5af", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "plan", "action": "goal", "target": "01a23430-5bb1-76cb-8569-d3a6b8432a88"}', '2026-12-02 00:38:34.177424+00', '2026-12-02 00:38:34.177424+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5bc6-71d1-91b5-43205a045182', 1, 'create', 'lw-sam', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5bc6-71d1-91b5-43205a045182", "who": {"id": "lw-sam", "role": "link_worker", "team": "north"}, "kind": "onward_referral", "action": "create", "target": "01a23430-5bc5-7d6f-8da1-37d565e94701"}', '2026-12-02 00:38:34.182155+00', '2026-12-02 00:38:34.182155+00', 0, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('onward_referral', '01a23430-5bc5-7d6f-8da1-37d565e94701', 2, 'accepted', 'lw-sam', '0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', NULL, '{"id": "01a23430-5bc5-7d6f-8da1-37d565e94701", "view": {"full": {"reason": "Widowed in the spring; rarely leaves the house; low mood.", "postcode": "SE11 5QY", "nhs_number": "9434765919", "family_name": "O''Neill", "date_of_birth": "1948-03-14"}, "name": "Peggy", "note": "Grace loves roses", "needs": ["loneliness_isolation", "bereavement"], "language": "en", "wants_escort": true, "accessibility": ["large_print", "step_free"], "contact_detail": "020 7946 0018", "contact_method": "phone"}, "status": "accepted", "history": [{"at": "2026-11-02T11:00:00Z", "to": "requested", "note": "Grace loves roses", "actor": {"id": "lw-sam", "role": "link_worker"}}, {"at": "2026-11-02T11:00:00Z", "to": "accepted", "from": "requested", "note": "See you Tuesday", "actor": {"id": "garden-lead", "role": "partner", "organisation": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10"}}], "partner": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "version": 1, "service_id": "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8", "requested_at": "2026-11-02T11:00:00Z", "requested_by": "lw-sam"}', '2026-12-02 00:38:34.182155+00', '2026-12-02 00:38:34.190469+00', 3, NULL, NULL, 'north');
INSERT INTO socialrx_fixture.documents VALUES ('audit', '01a23430-5bce-7695-bd31-445e063c33bd', 1, 'change_status', 'garden-lead', '', '', NULL, '{"at": "2026-11-02T11:00:00Z", "id": "01a23430-5bce-7695-bd31-445e063c33bd", "who": {"id": "garden-lead", "role": "partner", "organisation": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10"}, "kind": "onward_referral", "action": "change_status", "target": "01a23430-5bc5-7d6f-8da1-37d565e94701"}', '2026-12-02 00:38:34.190469+00', '2026-12-02 00:38:34.190469+00', 0, NULL, NULL, '');
INSERT INTO socialrx_fixture.documents VALUES ('measurement', '01a23430-5bd0-7077-97e4-bfe0e44e6ab6', 1, 'baseline', 'lw-sam', '', 'nhs:ee17f178e64633e0a1d7921f3f7c2096', '2027-01-25 00:00:00+00', '{"id": "01a23430-5bd0-7077-97e4-bfe0e44e6ab6", "date": "2026-11-02", "mode": "in_person", "person": "nhs:ee17f178e64633e0a1d7921f3f7c2096", "scores": [{"scale": "raw", "value": 21}, {"scale": "metric", "value": 19.25}], "answers": [{"item": "optimism", "value": 3}, {"item": "useful", "value": 3}, {"item": "relaxed", "value": 3}, {"item": "dealing_with_problems", "value": 3}, {"item": "thinking_clearly", "value": 3}, {"item": "close_to_others", "value": 3}, {"item": "own_mind", "value": 3}], "context": {"area": "SE11", "needs": ["loneliness_isolation", "bereavement"], "pathway": "short_term_navigator", "practice": "A81001", "triage_level": "2", "referral_source": "gp"}, "referral": "01a23430-5b41-7898-adc3-21e9be9388f8", "instrument": "swemwbs", "time_point": "baseline", "administered_by": "lw-sam", "evaluation_consent": true, "instrument_version": "1"}', '2026-12-02 00:38:34.201414+00', '2026-12-02 00:38:34.201414+00', 2, NULL, NULL, 'north');


--
-- Data for Name: events; Type: TABLE DATA; Schema: socialrx_fixture; Owner: -
--

INSERT INTO socialrx_fixture.events VALUES ('organization', '0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10', 1, 'organization.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('service', '5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60', 1, 'service.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('service', 'c18f7385-9c86-41ce-8e45-8eac9d1f2a07', 1, 'service.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'AB1 0AA', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'AB1 0AB', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'SE1P 5ZZ', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'SE1 9ZZ', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'M11 1AA', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('postcode', 'M1 1AD', 1, 'postcode.imported', 'admin', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5adb-7162-bcbe-d95573505873', 1, 'request.idempotency', 'dr-patel', '2026-12-02 00:38:33.949743+00', '{"key": "fixture-Peggy", "fingerprint": "86d5d30142e7d43f8030cc59b5d178b80695e106e4232d51bcf65fcf8fbc4bd2"}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5adb-7162-bcbe-d95573505873', 2, 'referral.received', 'dr-patel', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5ae5-7f41-8b23-ee4207e8befe', 1, 'request.idempotency', 'dr-patel', '2026-12-02 00:38:33.961872+00', '{"key": "fixture-Ada", "fingerprint": "569dcdd7c62433ba6566a9089673ac758b9d9f58c649ccdbb0082dc6f2788768"}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5ae5-7f41-8b23-ee4207e8befe', 2, 'referral.received', 'dr-patel', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5ae5-7f41-8b23-ee4207e8befe', 3, 'referral.declined', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "declined", "from": "received", "note": "seen already", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "reason": "duplicate", "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 1, 'request.idempotency', 'dr-patel', '2026-12-02 00:38:34.053539+00', '{"key": "fixture-Grace", "fingerprint": "3bd00ad0d88dfecdfb3cc65094fc7b00aac9c2c23baee527fe07859c8c25eeab"}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 2, 'referral.received', 'dr-patel', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "received", "actor": {"id": "dr-patel", "role": "referrer", "organisation": "A81001"}, "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 3, 'referral.accepted', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "accepted", "from": "received", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 4, 'referral.active', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "active", "from": "accepted", "type": "status", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 5, 'referral.consent', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "share_with_partners", "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 6, 'referral.consent', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "evaluation", "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 7, 'referral.consent', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "given", "type": "consent", "actor": {"id": "lw-sam", "role": "link_worker"}, "consent": "contact_for_feedback", "episode": 1}');
INSERT INTO socialrx_fixture.events VALUES ('referral', '01a23430-5b41-7898-adc3-21e9be9388f8', 8, 'referral.signpost', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "active", "from": "active", "note": "svc-walks", "type": "signpost", "actor": {"id": "lw-sam", "role": "link_worker"}, "episode": 1, "signpost": "ae5a89b3-c078-47f8-b912-c7fa0d7f4b37"}');
INSERT INTO socialrx_fixture.events VALUES ('plan', '01a23430-5bb1-76cb-8569-d3a6b8432a88', 1, 'request.idempotency', 'lw-sam', '2026-12-02 00:38:34.161594+00', '{"key": "fixture-plan", "fingerprint": "d6eced3a152c4d1cc2ad164920c87c31dfff3876b152f1d95646d8b216d60cc6"}');
INSERT INTO socialrx_fixture.events VALUES ('plan', '01a23430-5bb1-76cb-8569-d3a6b8432a88', 2, 'plan.created', 'lw-sam', '2026-11-02 11:00:00+00', '{"level": 2, "score": 4, "pathway": "short_term_navigator", "reasons": [{"rule": "heavy_need", "text": "At least one need weighs heavily on the person.", "points": 2}, {"rule": "alone_with_little_support", "text": "Lives alone with little support around them: first steps out are hard without someone alongside.", "points": 2}, {"rule": "level_2", "text": "Level 2, short-term navigator: 6 to 8 weeks of hands-on help with a specific, often practical problem."}], "contacts": 8, "rule_set": "socialrx-default", "assessed_at": "2026-11-02T10:45:00Z", "assessed_by": "lw-sam", "rule_set_version": "1.0.0"}');
INSERT INTO socialrx_fixture.events VALUES ('plan', '01a23430-5bb1-76cb-8569-d3a6b8432a88', 3, 'plan.goal', 'lw-sam', '2026-11-02 11:00:00+00', NULL);
INSERT INTO socialrx_fixture.events VALUES ('onward_referral', '01a23430-5bc5-7d6f-8da1-37d565e94701', 1, 'request.idempotency', 'lw-sam', '2026-12-02 00:38:34.182155+00', '{"key": "fixture-onward", "fingerprint": "ac9df9ac6086d425cba36b43844ddf6b136a7f8f88e0d2883e915e972afc9c4d"}');
INSERT INTO socialrx_fixture.events VALUES ('onward_referral', '01a23430-5bc5-7d6f-8da1-37d565e94701', 2, 'onward_referral.requested', 'lw-sam', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "requested", "note": "Grace loves roses", "actor": {"id": "lw-sam", "role": "link_worker"}}');
INSERT INTO socialrx_fixture.events VALUES ('onward_referral', '01a23430-5bc5-7d6f-8da1-37d565e94701', 3, 'onward_referral.accepted', 'garden-lead', '2026-11-02 11:00:00+00', '{"at": "2026-11-02T11:00:00Z", "to": "accepted", "from": "requested", "note": "See you Tuesday", "actor": {"id": "garden-lead", "role": "partner", "organisation": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10"}}');
INSERT INTO socialrx_fixture.events VALUES ('measurement', '01a23430-5bd0-7077-97e4-bfe0e44e6ab6', 1, 'request.idempotency', 'lw-sam', '2026-12-02 00:38:34.201414+00', '{"key": "fixture-measure", "fingerprint": "ca402a613a901aa057d08d0570a311fd3d8245c716550910d1b4275022d1e2fc"}');
INSERT INTO socialrx_fixture.events VALUES ('measurement', '01a23430-5bd0-7077-97e4-bfe0e44e6ab6', 2, 'measurement.recorded', 'lw-sam', '2026-11-02 11:00:00+00', NULL);


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: socialrx_fixture; Owner: -
--

INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5add-78f4-9086-567feb2e704d', 'referral:01a23430-5adb-7162-bcbe-d95573505873:new', 2, 'messenger', '{"to": {"id": "team", "role": "link_worker", "address": "team@sp.example.org"}, "body": "A new routine referral (01a23430-5adb-7162-bcbe-d95573505873) from Dr Asha Patel is waiting to be accepted or declined.", "event": "referral.received", "channel": "email", "subject": "New referral", "idempotency_key": "referral:01a23430-5adb-7162-bcbe-d95573505873:new"}', '2026-12-02 00:38:33.949743+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5add-789a-8524-a59216effa10', 'referral:01a23430-5adb-7162-bcbe-d95573505873:0:event', 1, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "received", "episode": 1, "referral_id": "01a23430-5adb-7162-bcbe-d95573505873"}, "event": "referral.received", "channel": "event", "idempotency_key": "referral:01a23430-5adb-7162-bcbe-d95573505873:0:event"}', '2026-12-02 00:38:33.949743+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5ae9-7b72-96c6-86ebb91f6eac', 'referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:0:event', 3, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "received", "episode": 1, "referral_id": "01a23430-5ae5-7f41-8b23-ee4207e8befe"}, "event": "referral.received", "channel": "event", "idempotency_key": "referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:0:event"}', '2026-12-02 00:38:33.961872+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5ae9-7bb5-9ea7-57703641eb42', 'referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:new', 4, 'messenger', '{"to": {"id": "team", "role": "link_worker", "address": "team@sp.example.org"}, "body": "A new routine referral (01a23430-5ae5-7f41-8b23-ee4207e8befe) from Dr Asha Patel is waiting to be accepted or declined. It may be a duplicate of open referral 01a23430-5adb-7162-bcbe-d95573505873.", "event": "referral.received", "channel": "email", "subject": "New referral", "idempotency_key": "referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:new"}', '2026-12-02 00:38:33.961872+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5af7-74a5-8658-1ba9284aea31', 'referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:1:event', 5, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "duplicate", "status": "declined", "episode": 1, "referral_id": "01a23430-5ae5-7f41-8b23-ee4207e8befe"}, "event": "referral.declined", "channel": "event", "idempotency_key": "referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:1:event"}', '2026-12-02 00:38:33.97537+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5af7-74e4-8dd7-e932b31bb214', 'referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:1:referrer', 6, 'messenger', '{"to": {"id": "A81001", "name": "Dr Asha Patel", "role": "referrer", "address": "asha.patel@riverside.example.nhs.uk"}, "body": "Your referral of A.O., born 1948-03-14, received on 2 November 2026, has been declined: the person already has an open referral with us.", "event": "referral.declined", "channel": "email", "subject": "Social prescribing referral declined", "idempotency_key": "referral:01a23430-5ae5-7f41-8b23-ee4207e8befe:1:referrer"}', '2026-12-02 00:38:33.97537+00', 0, '2026-11-02 11:00:00+00', '', '2026-11-02 11:00:00+00', 'fixture', NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b45-7198-906f-4477cc35f91e', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:0:event', 7, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "received", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.received", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:0:event"}', '2026-12-02 00:38:34.053539+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b45-71e2-b52c-b2b843fc8c66', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:new', 8, 'messenger', '{"to": {"id": "team", "role": "link_worker", "address": "team@sp.example.org"}, "body": "A new routine referral (01a23430-5b41-7898-adc3-21e9be9388f8) from Dr Asha Patel is waiting to be accepted or declined. It may be a duplicate of open referral 01a23430-5adb-7162-bcbe-d95573505873.", "event": "referral.received", "channel": "email", "subject": "New referral", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:new"}', '2026-12-02 00:38:34.053539+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b55-703c-a762-eef318642c3e', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:event', 9, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "accepted", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.accepted", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:event"}', '2026-12-02 00:38:34.069192+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b55-708f-8576-553890eef35b', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:referrer', 10, 'messenger', '{"to": {"id": "A81001", "name": "Dr Asha Patel", "role": "referrer", "address": "asha.patel@riverside.example.nhs.uk"}, "body": "Your referral of G.O., born 1948-03-14, received on 2 November 2026, has been accepted. A link worker will be in touch with them.", "event": "referral.accepted", "channel": "email", "subject": "Social prescribing referral accepted", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:referrer"}', '2026-12-02 00:38:34.069192+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b55-70a6-b0bc-78e041a587e7', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:clinical:0', 11, 'clinical', '{"date": "2026-11-02", "snomed": "871731000000106", "display": "Referral to social prescribing service", "nhs_number": "9434765919", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:1:clinical:0"}', '2026-12-02 00:38:34.069192+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b61-776d-9993-faa597535afd', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:2:event', 12, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "active", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.active", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:2:event"}', '2026-12-02 00:38:34.081548+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b71-734e-a48c-4a29b418f9ac', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:3:event', 13, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "active", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.consent", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:3:event"}', '2026-12-02 00:38:34.097261+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b7c-709b-89ed-8056989c2334', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:4:event', 14, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "active", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.consent", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:4:event"}', '2026-12-02 00:38:34.108095+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b81-7ca0-8394-b646f3073f26', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:5:event', 15, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "active", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.consent", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:5:event"}', '2026-12-02 00:38:34.113875+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5b8f-7381-aaed-00432db71fb3', 'referral:01a23430-5b41-7898-adc3-21e9be9388f8:6:event', 16, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "active", "episode": 1, "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "referral.signpost", "channel": "event", "idempotency_key": "referral:01a23430-5b41-7898-adc3-21e9be9388f8:6:event"}', '2026-12-02 00:38:34.127275+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5bb1-77eb-8bf2-c9dc48d1633a', 'plan:01a23430-5bb1-76cb-8569-d3a6b8432a88:created', 17, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"level": 2, "pathway": "short_term_navigator", "plan_id": "01a23430-5bb1-76cb-8569-d3a6b8432a88", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8"}, "event": "plan.created", "channel": "event", "idempotency_key": "plan:01a23430-5bb1-76cb-8569-d3a6b8432a88:created"}', '2026-12-02 00:38:34.161594+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5bc6-7104-ad22-43523f276aca', 'onward:01a23430-5bc5-7d6f-8da1-37d565e94701:0:event', 18, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "requested", "partner": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "service_id": "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8", "onward_referral_id": "01a23430-5bc5-7d6f-8da1-37d565e94701"}, "event": "onward_referral.requested", "channel": "event", "idempotency_key": "onward:01a23430-5bc5-7d6f-8da1-37d565e94701:0:event"}', '2026-12-02 00:38:34.182155+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5bc6-714f-96e6-af42a1a49508', 'onward:01a23430-5bc5-7d6f-8da1-37d565e94701:0:partner', 19, 'messenger', '{"to": {"id": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "role": "partner", "address": "partners@kennington-gardens.example.org"}, "body": "Peggy would like help with: loneliness and isolation, bereavement.\nContact them by phone: 020 7946 0018.\nFrom the link worker: Grace loves roses\nPlease accept or reject this referral (onward referral 01a23430-5bc5-7d6f-8da1-37d565e94701).", "event": "onward_referral.requested", "channel": "email", "subject": "New referral for 5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "idempotency_key": "onward:01a23430-5bc5-7d6f-8da1-37d565e94701:0:partner"}', '2026-12-02 00:38:34.182155+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5bce-7621-8ff7-fd0b42f0a291', 'onward:01a23430-5bc5-7d6f-8da1-37d565e94701:1:event', 20, 'messenger', '{"to": {"id": "bus", "role": "link_worker"}, "data": {"at": "2026-11-02T11:00:00Z", "reason": "", "status": "accepted", "partner": "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", "service_id": "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "referral_id": "01a23430-5b41-7898-adc3-21e9be9388f8", "onward_referral_id": "01a23430-5bc5-7d6f-8da1-37d565e94701"}, "event": "onward_referral.accepted", "channel": "event", "idempotency_key": "onward:01a23430-5bc5-7d6f-8da1-37d565e94701:1:event"}', '2026-12-02 00:38:34.190469+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);
INSERT INTO socialrx_fixture.outbox OVERRIDING SYSTEM VALUE VALUES ('01a23430-5bce-7652-8eb5-9cfc675b116a', 'onward:01a23430-5bc5-7d6f-8da1-37d565e94701:1:team', 21, 'messenger', '{"to": {"id": "team", "role": "link_worker", "address": "team@sp.example.org"}, "body": "Onward referral 01a23430-5bc5-7d6f-8da1-37d565e94701 to 5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60 is now accepted.", "event": "onward_referral.accepted", "channel": "email", "subject": "Partner update", "idempotency_key": "onward:01a23430-5bc5-7d6f-8da1-37d565e94701:1:team"}', '2026-12-02 00:38:34.190469+00', 0, '2026-11-02 11:00:00+00', '', NULL, NULL, NULL);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: socialrx_fixture; Owner: -
--

INSERT INTO socialrx_fixture.schema_migrations VALUES (1, 'init', '74647617504ffb1b432450c99ca18be1eb40f83b1003d16abfe6dc810d55a911', '2026-12-02 00:38:33.657729+00');
INSERT INTO socialrx_fixture.schema_migrations VALUES (2, 'team', '26cd4143bdda3db90248c5150762674a7b2cdd5be2f9d3d92ff00df5ab9e877a', '2026-12-02 00:38:33.657729+00');


--
-- Name: outbox_seq_seq; Type: SEQUENCE SET; Schema: socialrx_fixture; Owner: -
--

SELECT pg_catalog.setval('socialrx_fixture.outbox_seq_seq', 21, true);


--
-- Name: create_keys create_keys_pkey; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.create_keys
    ADD CONSTRAINT create_keys_pkey PRIMARY KEY (key);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (kind, id);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (kind, id, seq);


--
-- Name: outbox outbox_idempotency_key_key; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.outbox
    ADD CONSTRAINT outbox_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: documents_due_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_due_idx ON socialrx_fixture.documents USING btree (kind, due_at) WHERE (due_at IS NOT NULL);


--
-- Name: documents_owner_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_owner_idx ON socialrx_fixture.documents USING btree (kind, owner, id) WHERE (owner <> ''::text);


--
-- Name: documents_partner_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_partner_idx ON socialrx_fixture.documents USING btree (kind, partner, id) WHERE (partner <> ''::text);


--
-- Name: documents_person_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_person_idx ON socialrx_fixture.documents USING btree (kind, person, id) WHERE (person <> ''::text);


--
-- Name: documents_status_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_status_idx ON socialrx_fixture.documents USING btree (kind, status, id);


--
-- Name: documents_team_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_team_idx ON socialrx_fixture.documents USING btree (kind, team, id) WHERE (team <> ''::text);


--
-- Name: documents_updated_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX documents_updated_idx ON socialrx_fixture.documents USING btree (kind, updated_at);


--
-- Name: outbox_pending_idx; Type: INDEX; Schema: socialrx_fixture; Owner: -
--

CREATE INDEX outbox_pending_idx ON socialrx_fixture.outbox USING btree (created_at, seq) WHERE (delivered_at IS NULL);


--
-- Name: events events_kind_id_fkey; Type: FK CONSTRAINT; Schema: socialrx_fixture; Owner: -
--

ALTER TABLE ONLY socialrx_fixture.events
    ADD CONSTRAINT events_kind_id_fkey FOREIGN KEY (kind, id) REFERENCES socialrx_fixture.documents(kind, id);


--
-- PostgreSQL database dump complete
--

\unrestrict noxPaQGGCM3ZpYEzW5kvomoOdXiOcLtcfRaJ4O5MrY70zIIBYahHqYj2fzAbzju

