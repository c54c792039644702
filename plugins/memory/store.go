package memory

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// Store is a [plugins.Store] held in memory: fast, safe for concurrent use,
// and gone when the process ends. Use it in tests and when embedding
// socialrx where nothing needs to survive a restart.
type Store struct {
	mu     sync.Mutex
	docs   map[plugins.Kind]map[string]*entry
	idem   map[string]plugins.Document // create idempotency key → first result
	outbox map[string]*queued          // by message id
	keys   map[string]bool             // outbox idempotency keys ever used
	seq    int64                       // orders outbox messages queued at one instant
	closed bool
}

// entry is a stored document with its log and its scheduler lease.
type entry struct {
	doc    plugins.Document
	events []plugins.Event
	lease  plugins.Lease
}

// queued is an outbox message with its lease.
type queued struct {
	msg   plugins.OutboxMessage
	seq   int64
	lease plugins.Lease
}

var _ plugins.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		docs:   map[plugins.Kind]map[string]*entry{},
		idem:   map[string]plugins.Document{},
		outbox: map[string]*queued{},
		keys:   map[string]bool{},
	}
}

// limits bounds kinds and document ids, so a key stays a key; the input
// checks themselves are the contract's (plugins.Write.Check and the like).
var limits = plugins.Limits{Kind: 64, ID: 256}

// live returns an unavailable error when ctx is done.
func live(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return socialrx.Errorf(socialrx.CodeUnavailable, "memory store: %w", err)
	}
	return nil
}

// now is the store's clock: UTC without a monotonic reading, so stored
// times compare and print as they would after a round trip.
func now() time.Time { return time.Now().UTC().Round(0) }

// lock takes the store's lock after checking ctx and that the store is
// open; it returns unavailable otherwise.
func (s *Store) lock(ctx context.Context) error {
	if err := live(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return socialrx.Errorf(socialrx.CodeUnavailable, "memory store: closed")
	}
	return nil
}

// Get returns the current document. Codes: not_found, unavailable.
func (s *Store) Get(ctx context.Context, kind plugins.Kind, id string) (plugins.Document, error) {
	if err := s.lock(ctx); err != nil {
		return plugins.Document{}, err
	}
	defer s.mu.Unlock()
	e := s.docs[kind][id]
	if e == nil {
		return plugins.Document{}, notFound(kind, id)
	}
	return cloneDoc(e.doc), nil
}

// Create stores a new document at version 1 with its events and outbox
// messages. Codes: invalid, conflict (the id exists or an outbox key or id
// was used), unavailable.
func (s *Store) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := w.Check(false, limits); err != nil {
		return plugins.Document{}, err
	}
	if err := s.lock(ctx); err != nil {
		return plugins.Document{}, err
	}
	defer s.mu.Unlock()
	if w.IdempotencyKey != "" {
		if first, ok := s.idem[w.IdempotencyKey]; ok {
			return cloneDoc(first), nil
		}
	}
	d := w.Document
	if s.docs[d.Kind][d.ID] != nil {
		return plugins.Document{}, socialrx.Errorf(socialrx.CodeConflict, "%s %q already exists", d.Kind, d.ID)
	}
	if err := s.checkNew(w); err != nil {
		return plugins.Document{}, err
	}
	t := now()
	e := s.insert(d, t)
	d = e.doc
	s.apply(e, w, t)
	if w.IdempotencyKey != "" {
		s.idem[w.IdempotencyKey] = cloneDoc(d)
	}
	return cloneDoc(d), nil
}

// Update replaces a document whose stored version equals
// w.Document.Version. Codes: invalid, not_found, conflict (stale version,
// used outbox key or id), unavailable.
func (s *Store) Update(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := w.Check(true, limits); err != nil {
		return plugins.Document{}, err
	}
	if err := s.lock(ctx); err != nil {
		return plugins.Document{}, err
	}
	defer s.mu.Unlock()
	d := w.Document
	e := s.docs[d.Kind][d.ID]
	if e == nil {
		return plugins.Document{}, notFound(d.Kind, d.ID)
	}
	if e.doc.Version != d.Version {
		return plugins.Document{}, socialrx.Errorf(socialrx.CodeConflict, "%s %q is at version %d, not %d", d.Kind, d.ID, e.doc.Version, d.Version)
	}
	if err := s.checkNew(w); err != nil {
		return plugins.Document{}, err
	}
	t := now()
	d = cloneDoc(d)
	d.Version, d.CreatedAt, d.UpdatedAt = e.doc.Version+1, e.doc.CreatedAt, t
	e.doc = d
	e.lease = plugins.Lease{} // an update ends a scheduler claim
	s.apply(e, w, t)
	return cloneDoc(d), nil
}

// insert stores a new document at version 1, stamped t.
func (s *Store) insert(d plugins.Document, t time.Time) *entry {
	d = cloneDoc(d)
	d.Version, d.CreatedAt, d.UpdatedAt = 1, t, t
	e := &entry{doc: d}
	if s.docs[d.Kind] == nil {
		s.docs[d.Kind] = map[string]*entry{}
	}
	s.docs[d.Kind][d.ID] = e
	return e
}

// checkNew refuses a write whose further documents exist already, or whose
// outbox messages reuse an id or key.
func (s *Store) checkNew(w plugins.Write) error {
	for _, a := range w.Also {
		if s.docs[a.Kind][a.ID] != nil {
			return socialrx.Errorf(socialrx.CodeConflict, "%s %q already exists", a.Kind, a.ID)
		}
	}
	for _, m := range w.Outbox {
		if s.outbox[m.ID] != nil {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q already exists", m.ID)
		}
		if s.keys[m.IdempotencyKey] {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox idempotency key %q was used", m.IdempotencyKey)
		}
	}
	return nil
}

// apply appends w's events to e, creates its further documents and queues
// its messages, stamped t.
func (s *Store) apply(e *entry, w plugins.Write, t time.Time) {
	for _, a := range w.Also {
		s.insert(a, t)
	}
	for _, ev := range w.Events {
		ev = cloneEvent(ev)
		ev.Seq = int64(len(e.events)) + 1
		if ev.At.IsZero() {
			ev.At = t
		}
		ev.At = ev.At.UTC().Round(0)
		e.events = append(e.events, ev)
	}
	for _, m := range w.Outbox {
		m = cloneMsg(m)
		m.CreatedAt, m.Attempts, m.LastError, m.DeliveredAt = t, 0, "", nil
		if m.NextAttemptAt.IsZero() {
			m.NextAttemptAt = t
		}
		m.NextAttemptAt = m.NextAttemptAt.UTC().Round(0)
		s.seq++
		s.outbox[m.ID] = &queued{msg: m, seq: s.seq}
		s.keys[m.IdempotencyKey] = true
	}
}

// List returns one page of documents ordered by id, at most the limit and
// plugins.MaxPageBytes of data. Codes: invalid (no kind, bad limit or
// cursor), unavailable.
func (s *Store) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	limit, after, err := q.Check(limits)
	if err != nil {
		return plugins.Page{}, err
	}
	if err := s.lock(ctx); err != nil {
		return plugins.Page{}, err
	}
	defer s.mu.Unlock()
	var match []*entry
	for id, e := range s.docs[q.Kind] {
		if id > after && matches(e.doc, q) {
			match = append(match, e)
		}
	}
	slices.SortFunc(match, func(a, b *entry) int { return cmp.Compare(a.doc.ID, b.doc.ID) })
	pg := plugins.NewPager(limit)
	for _, e := range match {
		if !pg.Add(e.doc) {
			break
		}
	}
	p := pg.Page()
	for i, d := range p.Documents {
		p.Documents[i] = cloneDoc(d)
	}
	return p, nil
}

// matches reports whether d passes q's filters.
func matches(d plugins.Document, q plugins.Query) bool {
	return (q.Status == "" || d.Status == q.Status) &&
		(q.Owner == "" || d.Owner == q.Owner) &&
		(q.Partner == "" || d.Partner == q.Partner) &&
		(q.Person == "" || d.Person == q.Person) &&
		(q.Team == "" || d.Team == q.Team) &&
		(q.UpdatedSince.IsZero() || !d.UpdatedAt.Before(q.UpdatedSince))
}

// Events returns a document's events with Seq > after, oldest first, at
// most limit (0 means all). Codes: not_found, unavailable.
func (s *Store) Events(ctx context.Context, kind plugins.Kind, id string, after int64, limit int) ([]plugins.Event, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	e := s.docs[kind][id]
	if e == nil {
		return nil, notFound(kind, id)
	}
	evs := e.events[min(max(after, 0), int64(len(e.events))):]
	if limit > 0 && len(evs) > limit {
		evs = evs[:limit]
	}
	out := make([]plugins.Event, len(evs))
	for i, ev := range evs {
		out[i] = cloneEvent(ev)
	}
	return out, nil
}

// leasable reports whether l does not hold anything at now.
func leasable(l plugins.Lease, now time.Time) bool {
	return l.Owner == "" || !l.Until.After(now)
}

// LeaseOutbox claims up to n undelivered messages due at now that no live
// lease holds, oldest first. Codes: invalid (no owner, Until not after now,
// n < 1), unavailable.
func (s *Store) LeaseOutbox(ctx context.Context, lease plugins.Lease, now time.Time, n int) ([]plugins.OutboxMessage, error) {
	if err := lease.Check(now, n); err != nil {
		return nil, err
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var due []*queued
	for _, q := range s.outbox {
		if q.msg.DeliveredAt == nil && q.msg.DeadAt == nil && !q.msg.NextAttemptAt.After(now) && leasable(q.lease, now) {
			due = append(due, q)
		}
	}
	slices.SortFunc(due, func(a, b *queued) int {
		return cmp.Or(a.msg.CreatedAt.Compare(b.msg.CreatedAt), cmp.Compare(a.seq, b.seq))
	})
	due = due[:min(n, len(due))]
	out := make([]plugins.OutboxMessage, len(due))
	for i, q := range due {
		q.lease = plugins.Lease{Owner: lease.Owner, Until: lease.Until.UTC().Round(0)}
		out[i] = cloneMsg(q.msg)
	}
	return out, nil
}

// held returns the message id if lease holds it, or not_found or conflict.
func (s *Store) held(id string, lease plugins.Lease) (*queued, error) {
	q := s.outbox[id]
	if q == nil {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
	}
	if q.lease.Owner == "" || q.lease.Owner != lease.Owner {
		return nil, socialrx.Errorf(socialrx.CodeConflict, "outbox message %q is not leased by %q", id, lease.Owner)
	}
	return q, nil
}

// AckOutbox marks a message leased by lease.Owner delivered at at; a repeat
// by the same owner succeeds. Codes: not_found, conflict (another owner
// holds it, or no one), unavailable.
func (s *Store) AckOutbox(ctx context.Context, id string, lease plugins.Lease, at time.Time) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	q, err := s.held(id, lease)
	if err != nil {
		return err
	}
	if q.msg.DeliveredAt == nil {
		t := at.UTC().Round(0)
		q.msg.DeliveredAt = &t
	}
	return nil
}

// NackOutbox records a failed attempt of a message leased by lease.Owner
// and releases it until retryAt. Codes: not_found, conflict (another owner
// holds it, no one does, or it was delivered), unavailable.
func (s *Store) NackOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, retryAt time.Time) error {
	return s.failed(ctx, id, lease, errMsg, func(m *plugins.OutboxMessage) { m.NextAttemptAt = retryAt.UTC().Round(0) })
}

// failed records a failed attempt of a message leased by lease.Owner,
// lets then say what follows (a retry or a dead letter), and releases the
// lease. Codes: not_found, conflict (another owner holds it, no one does,
// or it was delivered), unavailable.
func (s *Store) failed(ctx context.Context, id string, lease plugins.Lease, errMsg string, then func(*plugins.OutboxMessage)) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	q, err := s.held(id, lease)
	if err != nil {
		return err
	}
	if q.msg.DeliveredAt != nil {
		return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q was delivered", id)
	}
	q.msg.Attempts++
	q.msg.LastError = errMsg
	then(&q.msg)
	q.lease = plugins.Lease{}
	return nil
}

// OutboxDepth counts messages neither delivered nor dead-lettered.
// Codes: unavailable.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	return s.count(ctx, func(m plugins.OutboxMessage) bool { return m.DeliveredAt == nil && m.DeadAt == nil })
}

// DeadLetterCount counts dead-lettered messages. Codes: unavailable.
func (s *Store) DeadLetterCount(ctx context.Context) (int, error) {
	return s.count(ctx, func(m plugins.OutboxMessage) bool { return m.DeadAt != nil })
}

func (s *Store) count(ctx context.Context, f func(plugins.OutboxMessage) bool) (int, error) {
	if err := s.lock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.outbox {
		if f(q.msg) {
			n++
		}
	}
	return n, nil
}

// DeadLetterOutbox records the last failed attempt of a message leased by
// lease.Owner and dead-letters it at at. Codes: not_found, conflict
// (another owner holds it, no one does, or it was delivered), unavailable.
func (s *Store) DeadLetterOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, at time.Time) error {
	t := at.UTC().Round(0)
	return s.failed(ctx, id, lease, errMsg, func(m *plugins.OutboxMessage) { m.DeadAt = &t })
}

// DeadLetters returns one page of dead-lettered messages by id. Codes:
// invalid (bad limit or cursor), unavailable.
func (s *Store) DeadLetters(ctx context.Context, dq plugins.DeadLetterQuery) (plugins.DeadLetterPage, error) {
	limit, after, err := dq.Check()
	if err != nil {
		return plugins.DeadLetterPage{}, err
	}
	if err := s.lock(ctx); err != nil {
		return plugins.DeadLetterPage{}, err
	}
	defer s.mu.Unlock()
	var dead []plugins.OutboxMessage
	for _, q := range s.outbox {
		if q.msg.DeadAt != nil && q.msg.ID > after {
			dead = append(dead, q.msg)
		}
	}
	slices.SortFunc(dead, func(a, b plugins.OutboxMessage) int { return cmp.Compare(a.ID, b.ID) })
	pg := plugins.DeadLetterPage{Messages: []plugins.OutboxMessage{}}
	for i, m := range dead {
		if i == limit {
			pg.Next = plugins.EncodeCursor(dead[i-1].ID)
			break
		}
		pg.Messages = append(pg.Messages, cloneMsg(m))
	}
	return pg, nil
}

// GetOutbox returns one message. Codes: not_found, unavailable.
func (s *Store) GetOutbox(ctx context.Context, id string) (plugins.OutboxMessage, error) {
	if err := s.lock(ctx); err != nil {
		return plugins.OutboxMessage{}, err
	}
	defer s.mu.Unlock()
	q := s.outbox[id]
	if q == nil {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
	}
	return cloneMsg(q.msg), nil
}

// RedriveOutbox puts a dead-lettered message back in the queue, due at at
// with no attempts. Codes: not_found, conflict (not dead-lettered),
// unavailable.
func (s *Store) RedriveOutbox(ctx context.Context, id string, at time.Time) (plugins.OutboxMessage, error) {
	if err := s.lock(ctx); err != nil {
		return plugins.OutboxMessage{}, err
	}
	defer s.mu.Unlock()
	q := s.outbox[id]
	if q == nil {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
	}
	if q.msg.DeadAt == nil {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeConflict, "outbox message %q is not dead-lettered", id)
	}
	q.msg.DeadAt, q.msg.Attempts, q.msg.NextAttemptAt = nil, 0, at.UTC().Round(0)
	q.lease = plugins.Lease{}
	return cloneMsg(q.msg), nil
}

// PruneOutbox deletes the messages delivered before deliveredBefore and
// the create idempotency keys stored before keysBefore. Codes: unavailable.
func (s *Store) PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (plugins.Pruned, error) {
	if err := s.lock(ctx); err != nil {
		return plugins.Pruned{}, err
	}
	defer s.mu.Unlock()
	var p plugins.Pruned
	for id, q := range s.outbox {
		if q.msg.DeliveredAt != nil && q.msg.DeliveredAt.Before(deliveredBefore) {
			delete(s.outbox, id)
			delete(s.keys, q.msg.IdempotencyKey)
			p.Delivered++
		}
	}
	for k, d := range s.idem {
		if d.CreatedAt.Before(keysBefore) {
			delete(s.idem, k)
			p.IdempotencyKeys++
		}
	}
	return p, nil
}

// LeaseDue claims up to n documents of the kind due at now that no live
// lease holds, most overdue first. Codes: invalid (bad kind, no owner,
// Until not after now, n < 1), unavailable.
func (s *Store) LeaseDue(ctx context.Context, kind plugins.Kind, lease plugins.Lease, now time.Time, n int) ([]plugins.Document, error) {
	if err := lease.CheckDue(kind, now, n, limits); err != nil {
		return nil, err
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var due []*entry
	for _, e := range s.docs[kind] {
		if e.doc.DueAt != nil && !e.doc.DueAt.After(now) && leasable(e.lease, now) {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, b *entry) int {
		return cmp.Or(a.doc.DueAt.Compare(*b.doc.DueAt), cmp.Compare(a.doc.ID, b.doc.ID))
	})
	due = due[:min(n, len(due))]
	out := make([]plugins.Document, len(due))
	for i, e := range due {
		e.lease = plugins.Lease{Owner: lease.Owner, Until: lease.Until.UTC().Round(0)}
		out[i] = cloneDoc(e.doc)
	}
	return out, nil
}

// Erase removes a document, its events, the outbox messages about it and
// the record of the create that made it, and creates e.Also, atomically.
// Codes: invalid, not_found, conflict (an Also document exists),
// unavailable.
func (s *Store) Erase(ctx context.Context, e plugins.Erasure) error {
	if err := e.Check(limits); err != nil {
		return err
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.docs[e.Kind][e.ID] == nil {
		return notFound(e.Kind, e.ID)
	}
	if err := s.checkNew(plugins.Write{Also: e.Also}); err != nil {
		return err
	}
	delete(s.docs[e.Kind], e.ID)
	for k, d := range s.idem {
		if d.Kind == e.Kind && d.ID == e.ID {
			delete(s.idem, k)
		}
	}
	for id, q := range s.outbox {
		if plugins.NamesDocument(q.msg.IdempotencyKey, e.ID) {
			delete(s.outbox, id)
			delete(s.keys, q.msg.IdempotencyKey)
		}
	}
	t := now()
	for _, a := range e.Also {
		s.insert(a, t)
	}
	return nil
}

// OutboxAbout returns every message whose idempotency key names the
// document id, delivered or not, oldest first. Codes: invalid (no id),
// unavailable.
func (s *Store) OutboxAbout(ctx context.Context, id string) ([]plugins.OutboxMessage, error) {
	if id == "" {
		return nil, socialrx.Invalid(socialrx.Field("/id", "is required"))
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var about []*queued
	for _, q := range s.outbox {
		if plugins.NamesDocument(q.msg.IdempotencyKey, id) {
			about = append(about, q)
		}
	}
	slices.SortFunc(about, func(a, b *queued) int {
		return cmp.Or(a.msg.CreatedAt.Compare(b.msg.CreatedAt), cmp.Compare(a.seq, b.seq))
	})
	out := make([]plugins.OutboxMessage, len(about))
	for i, q := range about {
		out[i] = cloneMsg(q.msg)
	}
	return out, nil
}

// Close empties the store; later calls return unavailable. It returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.docs, s.idem, s.outbox, s.keys = nil, nil, nil, nil
	return nil
}

func notFound(kind plugins.Kind, id string) error {
	return socialrx.Errorf(socialrx.CodeNotFound, "%s %q not found", kind, id)
}

// cloneDoc copies d so that neither the caller nor the store sees the
// other's later changes; times become UTC.
func cloneDoc(d plugins.Document) plugins.Document {
	d.Data = clone(d.Data)
	if d.DueAt != nil {
		t := d.DueAt.UTC().Round(0)
		d.DueAt = &t
	}
	return d
}

func cloneEvent(e plugins.Event) plugins.Event {
	e.Data = clone(e.Data)
	return e
}

func cloneMsg(m plugins.OutboxMessage) plugins.OutboxMessage {
	m.Payload = clone(m.Payload)
	if m.DeliveredAt != nil {
		t := *m.DeliveredAt
		m.DeliveredAt = &t
	}
	if m.DeadAt != nil {
		t := *m.DeadAt
		m.DeadAt = &t
	}
	return m
}

func clone(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return slices.Clone(b)
}
