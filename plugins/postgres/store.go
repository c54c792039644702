package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// docCols are the columns scanDoc reads, in order.
const docCols = "kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at"

// scanDoc reads one row of docCols.
func scanDoc(row pgx.Row) (plugins.Document, error) {
	var d plugins.Document
	var kind string
	var data []byte
	if err := row.Scan(&kind, &d.ID, &d.Version, &d.Status, &d.Owner, &d.Partner, &d.Person, &d.Team,
		&d.DueAt, &data, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return plugins.Document{}, err
	}
	d.Kind = plugins.Kind(kind)
	d.Data = data
	d.DueAt = microPtr(d.DueAt)
	d.CreatedAt = d.CreatedAt.UTC()
	d.UpdatedAt = d.UpdatedAt.UTC()
	return d, nil
}

// Get returns the current document. Codes: not_found, unavailable.
func (s *Store) Get(ctx context.Context, kind plugins.Kind, id string) (plugins.Document, error) {
	if err := s.check(ctx); err != nil {
		return plugins.Document{}, err
	}
	d, err := scanDoc(s.pool.QueryRow(ctx, getSQL, string(kind), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return plugins.Document{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no %s %q", kind, id)
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && strings.HasPrefix(pe.Code, "22") {
			// An id PostgreSQL cannot even hold (say, with a NUL) names no document.
			return plugins.Document{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no %s %q", kind, id)
		}
		return plugins.Document{}, mapErr(ctx, "get", err)
	}
	return d, nil
}

// writeArgs are the arrays that carry a write's further documents, events
// and outbox messages into one SQL statement.
type writeArgs struct {
	alKinds, alIDs, alStatus []string
	alOwner, alPartner       []string
	alPerson, alTeam         []string
	alDue                    []*time.Time
	alData                   []string
	evTypes, evActors        []string
	evAts                    []time.Time
	evData                   []*string
	obIDs, obKeys            []string
	obTargets                []string
	obPayloads               []string
	obNext                   []time.Time
}

// arrays flattens w's events and outbox messages; at is the write's time,
// the first attempt of an outbox message without NextAttemptAt.
func arrays(w plugins.Write, at time.Time) writeArgs {
	a := writeArgs{
		evTypes: make([]string, 0, len(w.Events)), evActors: make([]string, 0, len(w.Events)),
		evAts: make([]time.Time, 0, len(w.Events)), evData: make([]*string, 0, len(w.Events)),
		obIDs: make([]string, 0, len(w.Outbox)), obKeys: make([]string, 0, len(w.Outbox)),
		obTargets: make([]string, 0, len(w.Outbox)), obPayloads: make([]string, 0, len(w.Outbox)),
		obNext: make([]time.Time, 0, len(w.Outbox)),
	}
	for _, d := range w.Also {
		a.alKinds, a.alIDs, a.alStatus = append(a.alKinds, string(d.Kind)), append(a.alIDs, d.ID), append(a.alStatus, d.Status)
		a.alOwner, a.alPartner = append(a.alOwner, d.Owner), append(a.alPartner, d.Partner)
		a.alPerson, a.alTeam = append(a.alPerson, d.Person), append(a.alTeam, d.Team)
		a.alDue, a.alData = append(a.alDue, microPtr(d.DueAt)), append(a.alData, string(d.Data))
	}
	for _, e := range w.Events {
		a.evTypes = append(a.evTypes, e.Type)
		a.evActors = append(a.evActors, e.Actor)
		if e.At.IsZero() {
			a.evAts = append(a.evAts, at)
		} else {
			a.evAts = append(a.evAts, micro(e.At))
		}
		var data *string
		if len(e.Data) > 0 {
			s := string(e.Data)
			data = &s
		}
		a.evData = append(a.evData, data)
	}
	for _, m := range w.Outbox {
		a.obIDs = append(a.obIDs, m.ID)
		a.obKeys = append(a.obKeys, m.IdempotencyKey)
		a.obTargets = append(a.obTargets, m.Target)
		a.obPayloads = append(a.obPayloads, string(m.Payload))
		next := at
		if !m.NextAttemptAt.IsZero() {
			next = micro(m.NextAttemptAt)
		}
		a.obNext = append(a.obNext, next)
	}
	return a
}

// alsoSQL is the part of a write statement that creates its further
// documents ($20 to $28), once the CTE d has written the document.
const alsoSQL = `, a AS (
	INSERT INTO documents (kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at, last_seq)
	SELECT al.kind, al.id, 1, al.status, al.owner, al.partner, al.person, al.team, al.due, al.data::jsonb, $10::timestamptz, $10::timestamptz, 0
	FROM d, unnest($20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::timestamptz[], $28::text[])
		AS al(kind, id, status, owner, partner, person, team, due, data)
)`

// alsoArgs are the arguments $20 to $28 of alsoSQL.
func (a writeArgs) alsoArgs() []any {
	return []any{a.alKinds, a.alIDs, a.alStatus, a.alOwner, a.alPartner, a.alPerson, a.alTeam, a.alDue, a.alData}
}

// createSQL inserts the idempotency key (if any), the document, its further
// documents, its events and its outbox messages in one statement, hence one
// transaction. When the key was used before, nothing is inserted and no row
// is returned.
const createSQL = `
WITH k AS (
	INSERT INTO create_keys (key, kind, id, created_at)
	SELECT $9::text, $1::text, $2::text, $10::timestamptz WHERE $9::text <> ''
	ON CONFLICT (key) DO NOTHING
	RETURNING 1
), d AS (
	INSERT INTO documents (kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at, last_seq)
	SELECT $1::text, $2::text, 1, $3::text, $4::text, $5::text, $6::text, $29::text, $7::timestamptz, $8::jsonb,
		$10::timestamptz, $10::timestamptz, cardinality($11::text[])
	WHERE $9::text = '' OR EXISTS (SELECT FROM k)
	RETURNING kind, id, data
), e AS (
	INSERT INTO events (kind, id, seq, type, actor, at, data)
	SELECT d.kind, d.id, ev.ord, ev.type, ev.actor, ev.at, ev.data::jsonb
	FROM d, unnest($11::text[], $12::text[], $13::timestamptz[], $14::text[]) WITH ORDINALITY AS ev(type, actor, at, data, ord)
), o AS (
	INSERT INTO outbox (id, idempotency_key, target, payload, created_at, next_attempt_at)
	SELECT ob.id, ob.key, ob.target, ob.payload::jsonb, $10::timestamptz, ob.next
	FROM d, unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::timestamptz[]) AS ob(id, key, target, payload, next)
)` + alsoSQL + `
SELECT data FROM d`

// Create stores a new document at version 1 with its events and outbox
// messages, atomically. A repeated IdempotencyKey returns the document the
// first create stored (as it is now) and writes nothing. Codes: invalid (no
// kind, id or data, data not a JSON object, an event without a type, an
// outbox message without id, key, target or payload), conflict (the id
// exists, or an outbox id or key was used), unavailable.
func (s *Store) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := s.check(ctx); err != nil {
		return plugins.Document{}, err
	}
	if err := checkWrite(w, false); err != nil {
		return plugins.Document{}, err
	}
	at := now()
	d := w.Document
	d.Version, d.CreatedAt, d.UpdatedAt, d.DueAt = 1, at, at, microPtr(d.DueAt)
	a := arrays(w, at)
	var data []byte
	args := append([]any{string(d.Kind), d.ID, d.Status, d.Owner, d.Partner, d.Person, d.DueAt, []byte(d.Data),
		w.IdempotencyKey, at,
		a.evTypes, a.evActors, a.evAts, a.evData,
		a.obIDs, a.obKeys, a.obTargets, a.obPayloads, a.obNext,
	}, a.alsoArgs()...)
	err := s.pool.QueryRow(ctx, createSQL, append(args, d.Team)...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		// The idempotency key was used: return what the first create stored.
		first, err := scanDoc(s.pool.QueryRow(ctx, firstCreateSQL, w.IdempotencyKey))
		if err != nil {
			return plugins.Document{}, mapErr(ctx, "create", err)
		}
		return first, nil
	}
	if err != nil {
		return plugins.Document{}, writeErr(ctx, "create", d, err)
	}
	d.Data = data
	return d, nil
}

// updateSQL replaces the document if its version still matches, appending
// events after its last seq and queuing outbox messages, in one statement.
// It returns no row when the version or the document does not match.
const updateSQL = `
WITH d AS (
	UPDATE documents SET version = version + 1, status = $4, owner = $5, partner = $6, person = $7, team = $29,
		due_at = $8, data = $9, updated_at = $10, last_seq = last_seq + cardinality($11::text[]),
		lease_owner = NULL, lease_until = NULL
	WHERE kind = $1 AND id = $2 AND version = $3
	RETURNING kind, id, version, data, created_at, last_seq
), e AS (
	INSERT INTO events (kind, id, seq, type, actor, at, data)
	SELECT d.kind, d.id, d.last_seq - cardinality($11::text[]) + ev.ord, ev.type, ev.actor, ev.at, ev.data::jsonb
	FROM d, unnest($11::text[], $12::text[], $13::timestamptz[], $14::text[]) WITH ORDINALITY AS ev(type, actor, at, data, ord)
), o AS (
	INSERT INTO outbox (id, idempotency_key, target, payload, created_at, next_attempt_at)
	SELECT ob.id, ob.key, ob.target, ob.payload::jsonb, $10::timestamptz, ob.next
	FROM d, unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::timestamptz[]) AS ob(id, key, target, payload, next)
)` + alsoSQL + `
SELECT version, data, created_at FROM d`

// Update replaces a document if its stored version still equals
// w.Document.Version, appending events and queuing outbox messages in the
// same transaction, and returns it at the next version. It ends any
// scheduler lease on the document. Codes: not_found, conflict (version
// mismatch, or an outbox id or key was used), invalid (as for Create),
// unavailable.
func (s *Store) Update(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := s.check(ctx); err != nil {
		return plugins.Document{}, err
	}
	if err := checkWrite(w, true); err != nil {
		return plugins.Document{}, err
	}
	at := now()
	d := w.Document
	d.UpdatedAt, d.DueAt = at, microPtr(d.DueAt)
	a := arrays(w, at)
	var data []byte
	args := append([]any{string(d.Kind), d.ID, w.Document.Version, d.Status, d.Owner, d.Partner, d.Person, d.DueAt, []byte(d.Data),
		at,
		a.evTypes, a.evActors, a.evAts, a.evData,
		a.obIDs, a.obKeys, a.obTargets, a.obPayloads, a.obNext,
	}, a.alsoArgs()...)
	err := s.pool.QueryRow(ctx, updateSQL, append(args, d.Team)...).Scan(&d.Version, &data, &d.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		var version int64
		err := s.pool.QueryRow(ctx, versionSQL, string(d.Kind), d.ID).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			return plugins.Document{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no %s %q", d.Kind, d.ID)
		}
		if err != nil {
			return plugins.Document{}, mapErr(ctx, "update", err)
		}
		return plugins.Document{}, socialrx.Errorf(socialrx.CodeConflict,
			"postgres: %s %q is at version %d, not %d", d.Kind, d.ID, version, w.Document.Version)
	}
	if err != nil {
		return plugins.Document{}, writeErr(ctx, "update", d, err)
	}
	d.Data = data
	d.CreatedAt = d.CreatedAt.UTC()
	return d, nil
}

// writeErr names which unique key a conflicting write repeated.
func writeErr(ctx context.Context, op string, d plugins.Document, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		what := map[string]string{
			"documents_pkey":             fmt.Sprintf("%s %q or another document of the write exists", d.Kind, d.ID),
			"outbox_pkey":                "an outbox message id was used before",
			"outbox_idempotency_key_key": "an outbox idempotency key was used before",
		}[pe.ConstraintName]
		if what == "" {
			what = pe.Message
		}
		return &socialrx.Error{Code: socialrx.CodeConflict, Message: "postgres: " + op + ": " + what, Err: err}
	}
	return mapErr(ctx, op, err)
}

// prefixed qualifies each of the comma-separated columns with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// List returns one page of documents of q.Kind matching its filters, in id
// order, at most the limit and plugins.MaxPageBytes of data. Codes: invalid
// (no or bad kind, limit outside 0..1000, a cursor that no page returned),
// unavailable.
//
// The database sends only the documents the page can take and the first
// it cannot: of the next limit+1 candidates, those whose predecessors'
// data does not yet pass the budget, and always the first two.
func (s *Store) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	if err := s.check(ctx); err != nil {
		return plugins.Page{}, err
	}
	limit, after, err := checkQuery(q)
	if err != nil {
		return plugins.Page{}, err
	}
	query, args := listSQL(q, after, limit)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return plugins.Page{}, mapErr(ctx, "list", err)
	}
	defer rows.Close()
	pg := plugins.NewPager(limit)
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return plugins.Page{}, mapErr(ctx, "list", err)
		}
		if !pg.Add(d) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return plugins.Page{}, mapErr(ctx, "list", err)
	}
	return pg.Page(), nil
}

// eventsSQL returns one row per event after $3, or one row of NULLs when
// the document has none, or no row when there is no such document.
const eventsSQL = `
SELECT e.seq, e.type, e.actor, e.at, e.data
FROM documents d
LEFT JOIN LATERAL (
	SELECT seq, type, actor, at, data FROM events
	WHERE kind = d.kind AND id = d.id AND seq > $3
	ORDER BY seq LIMIT $4
) e ON true
WHERE d.kind = $1 AND d.id = $2
ORDER BY e.seq`

// Events returns a document's events with Seq > after, oldest first, at
// most limit (0 means all). Codes: not_found (no such document), invalid (a
// negative limit), unavailable.
func (s *Store) Events(ctx context.Context, kind plugins.Kind, id string, after int64, limit int) ([]plugins.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, socialrx.Invalid(socialrx.Field("/limit", "must not be negative"))
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, eventsSQL, string(kind), id, after, lim)
	if err != nil {
		return nil, mapErr(ctx, "events", err)
	}
	defer rows.Close()
	found := false
	evs := []plugins.Event{}
	for rows.Next() {
		found = true
		var seq *int64
		var typ, actor *string
		var at *time.Time
		var data []byte
		if err := rows.Scan(&seq, &typ, &actor, &at, &data); err != nil {
			return nil, mapErr(ctx, "events", err)
		}
		if seq == nil {
			continue // the document exists and has no events after `after`
		}
		evs = append(evs, plugins.Event{Seq: *seq, Type: *typ, Actor: *actor, At: at.UTC(), Data: data})
	}
	if err := rows.Err(); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && strings.HasPrefix(pe.Code, "22") {
			found = false // an id PostgreSQL cannot hold names no document
		} else {
			return nil, mapErr(ctx, "events", err)
		}
	}
	if !found {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no %s %q", kind, id)
	}
	return evs, nil
}

// outboxCols are the columns scanOutbox reads, in order.
const outboxCols = "id, idempotency_key, target, payload, created_at, attempts, next_attempt_at, last_error, delivered_at, seq, dead_at"

// scanOutbox reads one row of outboxCols and the row's queue order.
func scanOutbox(row pgx.Row) (plugins.OutboxMessage, int64, error) {
	var m plugins.OutboxMessage
	var payload []byte
	var seq int64
	if err := row.Scan(&m.ID, &m.IdempotencyKey, &m.Target, &payload, &m.CreatedAt, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.DeliveredAt, &seq, &m.DeadAt); err != nil {
		return m, 0, err
	}
	m.DeadAt = microPtr(m.DeadAt)
	m.Payload = payload
	m.CreatedAt = m.CreatedAt.UTC()
	m.NextAttemptAt = m.NextAttemptAt.UTC()
	m.DeliveredAt = microPtr(m.DeliveredAt)
	return m, seq, nil
}

// leaseOutboxSQL claims the oldest due messages that no live lease holds,
// skipping rows another worker is claiming at this moment. The claimed ids
// come as an array, which the update looks up by primary key: a join with
// the CTE would let a cached generic plan, which cannot see the LIMIT,
// hash-join the whole table.
var leaseOutboxSQL = `
WITH c AS (
	SELECT id FROM outbox
	WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
	ORDER BY created_at, seq
	LIMIT $4
	FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET lease_owner = $1, lease_until = $2
WHERE o.id = ANY (ARRAY(SELECT id FROM c))
RETURNING ` + prefixed("o.", outboxCols)

// LeaseOutbox claims up to n undelivered messages whose NextAttemptAt is at
// or before now and that no live lease holds, oldest first. Workers on
// several hosts never claim the same message while a lease lives. Codes:
// invalid (no owner, Until not after now, n < 1), unavailable.
func (s *Store) LeaseOutbox(ctx context.Context, lease plugins.Lease, now time.Time, n int) ([]plugins.OutboxMessage, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLease(lease.Check(now, n), lease); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, leaseOutboxSQL, lease.Owner, micro(lease.Until), micro(now), n)
	if err != nil {
		return nil, mapErr(ctx, "lease outbox", err)
	}
	type row struct {
		m   plugins.OutboxMessage
		seq int64
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		m, seq, err := scanOutbox(r)
		return row{m, seq}, err
	})
	if err != nil {
		return nil, mapErr(ctx, "lease outbox", err)
	}
	sort.Slice(got, func(i, j int) bool {
		if !got[i].m.CreatedAt.Equal(got[j].m.CreatedAt) {
			return got[i].m.CreatedAt.Before(got[j].m.CreatedAt)
		}
		return got[i].seq < got[j].seq
	})
	out := make([]plugins.OutboxMessage, len(got))
	for i, r := range got {
		out[i] = r.m
	}
	return out, nil
}

// leaseLost explains why an ack or nack matched no row: the message does
// not exist (not_found), or another worker holds it (conflict). A repeated
// ack by the worker that delivered it is not an error.
func (s *Store) leaseLost(ctx context.Context, op, id string, lease plugins.Lease, ack bool) error {
	var owner *string
	var delivered *time.Time
	err := s.pool.QueryRow(ctx, leaseLostSQL, id).Scan(&owner, &delivered)
	if errors.Is(err, pgx.ErrNoRows) {
		return socialrx.Errorf(socialrx.CodeNotFound, "postgres: no outbox message %q", id)
	}
	if err != nil {
		return mapErr(ctx, op, err)
	}
	if ack && delivered != nil && owner != nil && *owner == lease.Owner {
		return nil
	}
	if delivered != nil {
		return socialrx.Errorf(socialrx.CodeConflict, "postgres: %s: outbox message %q was delivered already", op, id)
	}
	return socialrx.Errorf(socialrx.CodeConflict, "postgres: %s: %q does not hold the lease on outbox message %q", op, lease.Owner, id)
}

// AckOutbox marks a leased message delivered at at. Acknowledging again
// with the same lease is not an error. Codes: not_found, conflict (the
// lease was lost to another worker, or released by a nack), unavailable.
func (s *Store) AckOutbox(ctx context.Context, id string, lease plugins.Lease, at time.Time) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, ackOutboxSQL, id, lease.Owner, micro(at))
	if err != nil {
		return mapErr(ctx, "ack outbox", err)
	}
	if tag.RowsAffected() == 0 {
		return s.leaseLost(ctx, "ack outbox", id, lease, true)
	}
	return nil
}

// NackOutbox records a failed attempt: Attempts+1, LastError, and the time
// of the next attempt; it releases the lease. Codes: not_found, conflict
// (the lease was lost, or the message was delivered), unavailable.
func (s *Store) NackOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, retryAt time.Time) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	errMsg = strings.ReplaceAll(strings.ToValidUTF8(errMsg, "\uFFFD"), "\x00", "")
	tag, err := s.pool.Exec(ctx, nackOutboxSQL, id, lease.Owner, errMsg, micro(retryAt))
	if err != nil {
		return mapErr(ctx, "nack outbox", err)
	}
	if tag.RowsAffected() == 0 {
		return s.leaseLost(ctx, "nack outbox", id, lease, false)
	}
	return nil
}

// OutboxDepth counts messages neither delivered nor dead-lettered.
// Codes: unavailable.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	return s.count(ctx, "outbox depth", outboxDepthSQL)
}

// DeadLetterCount counts dead-lettered messages. Codes: unavailable.
func (s *Store) DeadLetterCount(ctx context.Context) (int, error) {
	return s.count(ctx, "dead letter count", deadLetterCountSQL)
}

func (s *Store) count(ctx context.Context, op, query string) (int, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	var n int
	if err := s.pool.QueryRow(ctx, query).Scan(&n); err != nil {
		return 0, mapErr(ctx, op, err)
	}
	return n, nil
}

// DeadLetterOutbox records the last failed attempt of a leased message and
// dead-letters it at at; it releases the lease. Codes: not_found, conflict
// (the lease was lost, or the message was delivered), unavailable.
func (s *Store) DeadLetterOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, at time.Time) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	errMsg = strings.ReplaceAll(strings.ToValidUTF8(errMsg, "\uFFFD"), "\x00", "")
	tag, err := s.pool.Exec(ctx, deadLetterSQL, id, lease.Owner, errMsg, micro(at))
	if err != nil {
		return mapErr(ctx, "dead-letter outbox", err)
	}
	if tag.RowsAffected() == 0 {
		return s.leaseLost(ctx, "dead-letter outbox", id, lease, false)
	}
	return nil
}

// outboxRows collects rows of outboxCols.
func outboxRows(rows pgx.Rows) ([]plugins.OutboxMessage, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (plugins.OutboxMessage, error) {
		m, _, err := scanOutbox(r)
		return m, err
	})
}

// DeadLetters returns one page of dead-lettered messages by id. Codes:
// invalid (bad limit or cursor), unavailable.
func (s *Store) DeadLetters(ctx context.Context, q plugins.DeadLetterQuery) (plugins.DeadLetterPage, error) {
	if err := s.check(ctx); err != nil {
		return plugins.DeadLetterPage{}, err
	}
	limit, after, err := q.Check()
	if err != nil {
		return plugins.DeadLetterPage{}, err
	}
	if strings.ContainsRune(after, 0) || !utf8.ValidString(after) {
		return plugins.DeadLetterPage{}, socialrx.Invalid(socialrx.Field("/cursor", "is not a cursor this store issued"))
	}
	rows, err := s.pool.Query(ctx, "SELECT "+outboxCols+" FROM outbox WHERE dead_at IS NOT NULL AND id > $1 ORDER BY id LIMIT $2", after, limit+1)
	if err != nil {
		return plugins.DeadLetterPage{}, mapErr(ctx, "dead letters", err)
	}
	ms, err := outboxRows(rows)
	if err != nil {
		return plugins.DeadLetterPage{}, mapErr(ctx, "dead letters", err)
	}
	pg := plugins.DeadLetterPage{Messages: ms}
	if len(ms) > limit {
		pg.Messages = ms[:limit]
		pg.Next = plugins.EncodeCursor(ms[limit-1].ID)
	}
	if pg.Messages == nil {
		pg.Messages = []plugins.OutboxMessage{}
	}
	return pg, nil
}

// GetOutbox returns one message. Codes: not_found, unavailable.
func (s *Store) GetOutbox(ctx context.Context, id string) (plugins.OutboxMessage, error) {
	if err := s.check(ctx); err != nil {
		return plugins.OutboxMessage{}, err
	}
	if strings.ContainsRune(id, 0) || !utf8.ValidString(id) {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no outbox message %q", id)
	}
	m, _, err := scanOutbox(s.pool.QueryRow(ctx, "SELECT "+outboxCols+" FROM outbox WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no outbox message %q", id)
	}
	if err != nil {
		return plugins.OutboxMessage{}, mapErr(ctx, "get outbox", err)
	}
	return m, nil
}

// RedriveOutbox puts a dead-lettered message back in the queue, due at at
// with no attempts. Codes: not_found, conflict (not dead-lettered),
// unavailable.
func (s *Store) RedriveOutbox(ctx context.Context, id string, at time.Time) (plugins.OutboxMessage, error) {
	if err := s.check(ctx); err != nil {
		return plugins.OutboxMessage{}, err
	}
	if strings.ContainsRune(id, 0) || !utf8.ValidString(id) {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "postgres: no outbox message %q", id)
	}
	m, _, err := scanOutbox(s.pool.QueryRow(ctx, `UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $2,
		lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND dead_at IS NOT NULL
		RETURNING `+outboxCols, id, micro(at)))
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.GetOutbox(ctx, id); err != nil {
			return plugins.OutboxMessage{}, err
		}
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeConflict, "postgres: outbox message %q is not dead-lettered", id)
	}
	if err != nil {
		return plugins.OutboxMessage{}, mapErr(ctx, "redrive outbox", err)
	}
	return m, nil
}

// PruneOutbox deletes the messages delivered before deliveredBefore and
// the create idempotency keys stored before keysBefore, in one
// transaction. Codes: unavailable.
func (s *Store) PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (plugins.Pruned, error) {
	if err := s.check(ctx); err != nil {
		return plugins.Pruned{}, err
	}
	var p plugins.Pruned
	err := s.pool.QueryRow(ctx, pruneSQL, micro(deliveredBefore), micro(keysBefore)).Scan(&p.Delivered, &p.IdempotencyKeys)
	if err != nil {
		return plugins.Pruned{}, mapErr(ctx, "prune outbox", err)
	}
	return p, nil
}

// leaseDueSQL claims the documents of a kind that are due and not leased,
// earliest due first, skipping rows another scheduler is claiming. The
// claimed ids come as an array for the reason leaseOutboxSQL gives.
const leaseDueSQL = `
WITH c AS (
	SELECT kind, id FROM documents
	WHERE kind = $1 AND due_at <= $4 AND (lease_until IS NULL OR lease_until <= $4)
	ORDER BY due_at, id
	LIMIT $5
	FOR UPDATE SKIP LOCKED
)
UPDATE documents d SET lease_owner = $2, lease_until = $3
WHERE d.kind = $1 AND d.id = ANY (ARRAY(SELECT id FROM c))
RETURNING `

// LeaseDue claims up to n documents of the kind whose DueAt is at or before
// now and that no live lease holds, earliest due first. The claim ends when
// the document is updated or the lease lapses. Codes: invalid (bad kind,
// no owner, Until not after now, n < 1), unavailable.
func (s *Store) LeaseDue(ctx context.Context, kind plugins.Kind, lease plugins.Lease, now time.Time, n int) ([]plugins.Document, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLease(lease.CheckDue(kind, now, n, limits), lease); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, leaseDueQuery, string(kind), lease.Owner, micro(lease.Until), micro(now), n)
	if err != nil {
		return nil, mapErr(ctx, "lease due", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (plugins.Document, error) { return scanDoc(r) })
	if err != nil {
		return nil, mapErr(ctx, "lease due", err)
	}
	sort.Slice(docs, func(i, j int) bool {
		if !docs[i].DueAt.Equal(*docs[j].DueAt) {
			return docs[i].DueAt.Before(*docs[j].DueAt)
		}
		return docs[i].ID < docs[j].ID
	})
	if docs == nil {
		docs = []plugins.Document{}
	}
	return docs, nil
}

// Erase removes a document, its events, the outbox messages about it and
// the record of the create that made it, and creates e.Also, in one
// transaction. The rows are gone at once for every reader; PostgreSQL
// reclaims their space at its next vacuum. Codes: invalid, not_found,
// conflict (an Also document exists), unavailable.
func (s *Store) Erase(ctx context.Context, e plugins.Erasure) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	fs := checkText(socialrx.ErrorFields(e.Check(limits)), "/id", e.ID, maxKeyLen)
	for i, a := range e.Also {
		fs = checkDoc(fs, fmt.Sprintf("/also/%d", i), a)
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	a := arrays(plugins.Write{Also: e.Also}, now())
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The document goes first: deleting it waits for, and then
		// excludes, any Update of it, so the events deleted next include
		// every event that will ever be appended to it (no foreign key
		// checks this; see migration 0004).
		tag, err := tx.Exec(ctx, "DELETE FROM documents WHERE kind = $1 AND id = $2", string(e.Kind), e.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return socialrx.Errorf(socialrx.CodeNotFound, "postgres: no %s %q", e.Kind, e.ID)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM events WHERE kind = $1 AND id = $2", string(e.Kind), e.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM create_keys WHERE kind = $1 AND id = $2", string(e.Kind), e.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM outbox WHERE strpos(':' || idempotency_key || ':', ':' || $1 || ':') > 0", e.ID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, eraseAlsoSQL, append([]any{now()}, a.alsoArgs()...)...)
		return err
	})
	if err != nil {
		return writeErr(ctx, "erase", plugins.Document{Kind: e.Kind, ID: e.ID}, err)
	}
	return nil
}

// eraseAlsoSQL creates the further documents of an erasure ($2 to $10,
// as alsoArgs gives them) at the time $1.
const eraseAlsoSQL = `
INSERT INTO documents (kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at, last_seq)
SELECT al.kind, al.id, 1, al.status, al.owner, al.partner, al.person, al.team, al.due, al.data::jsonb, $1::timestamptz, $1::timestamptz, 0
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
	AS al(kind, id, status, owner, partner, person, team, due, data)`

// OutboxAbout returns every message whose idempotency key names the
// document id, delivered or not, oldest first. Codes: invalid (no id),
// unavailable.
func (s *Store) OutboxAbout(ctx context.Context, id string) ([]plugins.OutboxMessage, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	fs := checkText(nil, "/id", id, maxKeyLen)
	if id == "" {
		fs = append(fs, socialrx.Field("/id", "is required"))
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT "+outboxCols+" FROM outbox WHERE strpos(':' || idempotency_key || ':', ':' || $1 || ':') > 0 ORDER BY created_at, seq", id)
	if err != nil {
		return nil, mapErr(ctx, "outbox about", err)
	}
	defer rows.Close()
	var out []plugins.OutboxMessage
	for rows.Next() {
		m, _, err := scanOutbox(rows)
		if err != nil {
			return nil, mapErr(ctx, "outbox about", err)
		}
		out = append(out, m)
	}
	return out, mapErr(ctx, "outbox about", rows.Err())
}
