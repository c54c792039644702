// Package plugins defines the contracts between the socialrx host and the
// adapters a local team plugs in: [Store] (durable storage), [ClinicalSystem]
// (a GP or clinical record system) and [Messenger] (email, SMS, letters,
// events on a bus). Adapters implement these plain Go interfaces and either
// run in the host's process or, wrapped with Serve, as a separate plugin
// process that the host talks to over gRPC (HashiCorp go-plugin).
//
// Every method returns a [socialrx.Error] on failure, with the code its doc
// comment names, so a code chosen by an adapter reaches the host (and its
// HTTP clients) unchanged, in process or over the wire.
//
// A store checks its input with [Write.Check], [Query.Check], [Lease.Check]
// and [Lease.CheckDue] before it applies anything: they hold the rules the
// conformance suites of package plugintest expect of every store, and name
// each bad field by JSON pointer. A store adds the limits of its own storage
// after them, and pages with [EncodeCursor].
//
// Authors of plugins find what each call must guarantee, and the test of
// package plugintest that checks it, in one page per contract:
// plugins/doc/store.md, plugins/doc/messenger.md and
// plugins/doc/clinical.md. A plugin in another language serves the gRPC
// wire itself; examples/python-plugin shows how.
//
// # Compatibility of the wire protocol
//
// The wire is plugins/proto/socialrx/plugin/v1/plugin.proto: protocol
// version 1, which is both [ProtocolVersion] in the go-plugin handshake and
// the v1 of the protobuf package socialrx.plugin.v1. Plugins built against
// any earlier version of v1 keep working with every later host, and the
// other way round, so within v1 only compatible changes are made:
//
//   - add a field to a message, with a number never used before, whose zero
//     value means what the protocol meant before the field existed (an old
//     plugin ignores it; an old host never sets it);
//   - add a message, an RPC to a service, or a service for a new contract (a
//     host asks Describe what a plugin serves, and a host that calls an RPC
//     added later takes gRPC Unimplemented as the plugin not offering it);
//   - document more precisely what was already so.
//
// Everything else breaks deployed plugins and needs protocol version 2:
// removing a field or giving its number to another, changing a field's type
// or whether it repeats, renaming a field, message, service, RPC or the
// package (names are in every call's path and in the code authors generate),
// and changing what a value means (its unit, the JSON a bytes field holds,
// what an error code says, a field that becomes required). The script
// plugins/proto/check.sh, which .ci/run runs, fails on the first kind with
// `buf lint` and `buf breaking` (category FILE) against every committed
// version of the .proto; the meaning of values is for review to guard.
//
// Version 2 would be a new package socialrx.plugin.v2 in
// plugins/proto/socialrx/plugin/v2, beside v1, with ProtocolVersion 2 in the
// handshake. During the migration a host speaks both: its go-plugin client
// offers {1: …, 2: …} in VersionedPlugins, go-plugin passes the plugin
// PLUGIN_PROTOCOL_VERSIONS=1,2, the plugin answers with the highest version
// it speaks, and the host dispenses the v1 or the v2 client for the
// negotiated version, both behind the same Go interfaces ([Store],
// [Messenger], [ClinicalSystem]). [Serve] likewise serves both, so that a
// new plugin still runs under an old host. A host release then warns of
// each plugin still on v1, and a later one drops v1.
package plugins

import (
	"context"
	"encoding/json"
	"time"

	"github.com/socialrx/socialrx"
)

// Kind names a kind of stored aggregate.
type Kind string

// The kinds the host stores. A store must accept any non-empty kind made of
// lower-case letters and underscores; these are the ones the host uses.
const (
	KindReferral       Kind = "referral"
	KindOnwardReferral Kind = "onward_referral"
	KindPlan           Kind = "plan"
	KindService        Kind = "service"
	KindOrganization   Kind = "organization"
	KindMeasurement    Kind = "measurement"
	// KindPostcode is a postcode's centroid, by normalised postcode.
	KindPostcode Kind = "postcode"
)

// Document is one stored aggregate: its JSON and the few fields the host
// filters on, which the store indexes.
type Document struct {
	// Kind and ID identify the document; ID is unique within its kind.
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	// Version is 1 after create and goes up by one on every update.
	Version int64 `json:"version"`
	// Status, Owner, Partner, Person and Team are the indexed filter
	// fields: the aggregate's status, the owning link worker or service, the
	// partner organisation it is addressed to, a key for the person it is
	// about, and the team of link workers whose case it is.
	Status  string `json:"status,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Partner string `json:"partner,omitempty"`
	Person  string `json:"person,omitempty"`
	Team    string `json:"team,omitempty"`
	// DueAt, when set, is when the scheduler should next look at the
	// document (a check-in, a partner becoming overdue, a follow-up).
	DueAt *time.Time `json:"due_at,omitempty"`
	// Data is the aggregate itself, a JSON object.
	Data json.RawMessage `json:"data"`
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Event is one entry of a document's append-only event log.
type Event struct {
	// Seq numbers a document's events 1, 2, 3 … in order; set by the store.
	Seq int64 `json:"seq"`
	// Type says what happened, such as "referral.accepted".
	Type string `json:"type"`
	// Actor is who did it.
	Actor string `json:"actor"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Data holds the details, a JSON object.
	Data json.RawMessage `json:"data,omitempty"`
}

// OutboxMessage is work to deliver through a plugin after the write that
// queued it has committed: a message to send or a coded clinical event to
// record.
type OutboxMessage struct {
	// ID identifies the message; set by the caller (a UUID).
	ID string `json:"id"`
	// IdempotencyKey is unique across the outbox; the store refuses a second
	// message with the same key with CodeConflict, and the delivering plugin
	// uses it so that a retry never sends twice.
	IdempotencyKey string `json:"idempotency_key"`
	// Target names the plugin that delivers it: "messenger" or "clinical".
	Target string `json:"target"`
	// Payload is the JSON the target understands ([Message] or [CodedEvent]).
	Payload json.RawMessage `json:"payload"`
	// CreatedAt is set by the store.
	CreatedAt time.Time `json:"created_at"`
	// Attempts counts failed deliveries so far.
	Attempts int `json:"attempts"`
	// NextAttemptAt is when the message may next be leased.
	NextAttemptAt time.Time `json:"next_attempt_at"`
	// LastError is the error of the last failed attempt.
	LastError string `json:"last_error,omitempty"`
	// DeliveredAt is set once the message is acknowledged as delivered.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// DeadAt is set once the message is dead-lettered: its last attempt
	// failed and it is no longer leased until an admin re-drives it.
	DeadAt *time.Time `json:"dead_at,omitempty"`
}

// DeadLetterQuery asks for one page of dead-lettered outbox messages,
// ordered by ID ascending.
type DeadLetterQuery struct {
	// Cursor is the Next of the previous page, or "" for the first page.
	Cursor string `json:"cursor,omitempty"`
	// Limit is the most messages a page holds: 1 to [MaxDeadLetterPage]; 0
	// means [DefaultDeadLetterPage].
	Limit int `json:"limit,omitempty"`
}

// DeadLetterPage is one page of a [DeadLetterQuery].
type DeadLetterPage struct {
	Messages []OutboxMessage `json:"messages"`
	// Next is the cursor of the next page, or "" on the last page.
	Next string `json:"next,omitempty"`
}

// Pruned counts what [Store.PruneOutbox] deleted.
type Pruned struct {
	// Delivered is how many delivered outbox messages were deleted.
	Delivered int `json:"delivered"`
	// IdempotencyKeys is how many create idempotency keys were deleted.
	IdempotencyKeys int `json:"idempotency_keys"`
}

// Write is one atomic write: a document, the events it appends, the outbox
// messages it queues and the further new documents it creates (such as the
// audit entry that records the change). Either all of it is stored or none
// of it.
type Write struct {
	// Document is the new state. For Update, Document.Version is the version
	// the caller read (compare-and-swap); the stored version becomes +1.
	Document Document `json:"document"`
	// Also are further new documents created in the same transaction, each
	// at version 1 as Create stores one; one whose kind and id exist makes
	// the whole write a conflict.
	Also []Document `json:"also,omitempty"`
	// Events are appended to the document's log, numbered by the store.
	Events []Event `json:"events,omitempty"`
	// Outbox messages are queued in the same transaction.
	Outbox []OutboxMessage `json:"outbox,omitempty"`
	// IdempotencyKey, on Create, makes a repeated create return the first
	// result instead of creating again.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// Query selects documents of one kind. Empty fields do not filter.
// UpdatedSince keeps the documents updated at or after it; a time before
// year 1, before any real update, keeps all as the zero time does.
// Results are ordered by ID ascending; Cursor continues after the last ID
// of the previous page, so paging never skips or repeats a document.
type Query struct {
	Kind         Kind      `json:"kind"`
	Status       string    `json:"status,omitempty"`
	Owner        string    `json:"owner,omitempty"`
	Partner      string    `json:"partner,omitempty"`
	Person       string    `json:"person,omitempty"`
	Team         string    `json:"team,omitempty"`
	UpdatedSince time.Time `json:"updated_since,omitzero"`
	// Cursor is the Next of the previous page, or "" for the first page.
	Cursor string `json:"cursor,omitempty"`
	// Limit is the most documents a page holds: 1 to 1000; 0 means 100.
	Limit int `json:"limit,omitempty"`
}

// Page is one page of a [Query]. It holds at most Limit documents and at
// most [MaxPageBytes] of their Data, so that no record, however large,
// makes a page too large to send: a page may stop short of Limit (with a
// Next), and a document larger than MaxPageBytes comes alone. Stores make
// pages with a [Pager].
type Page struct {
	Documents []Document `json:"documents"`
	// Next is the cursor of the next page, or "" on the last page.
	Next string `json:"next,omitempty"`
}

// Erasure is what [Store.Erase] erases: the document of kind Kind and id
// ID, and what it creates in the same transaction (such as the audit
// entry of the erasure, or a record of it stripped of personal data).
type Erasure struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	// Also are new documents, each at version 1 as Create stores one.
	Also []Document `json:"also,omitempty"`
}

// Lease is a claim on outbox messages or due documents, held by one worker
// until Until. Another worker cannot lease them before then.
type Lease struct {
	// Owner names the worker (host id and goroutine).
	Owner string `json:"owner"`
	// Until is when the claim lapses if not acknowledged.
	Until time.Time `json:"until"`
}

// Store keeps the host's aggregates as versioned JSON documents, with an
// event log per document and a transactional outbox. Implementations must
// be safe for concurrent use, also by several hosts sharing one database.
type Store interface {
	// Get returns the current document. Codes: not_found, unavailable.
	Get(ctx context.Context, kind Kind, id string) (Document, error)
	// Create stores a new document at version 1 with its events and outbox
	// messages, atomically. A repeated IdempotencyKey returns the document
	// the first create stored and writes nothing. Codes: invalid (no kind,
	// id or data), conflict (the id exists, or an outbox key was used),
	// unavailable.
	Create(ctx context.Context, w Write) (Document, error)
	// Update replaces a document if its stored version still equals
	// w.Document.Version, appending events and queuing outbox messages in
	// the same transaction, and returns it at the next version. Codes:
	// not_found, conflict (version mismatch or used outbox key), invalid,
	// unavailable.
	Update(ctx context.Context, w Write) (Document, error)
	// List returns one page of documents. Codes: invalid (bad limit or
	// cursor), unavailable.
	List(ctx context.Context, q Query) (Page, error)
	// Events returns a document's events with Seq > after, oldest first, at
	// most limit (0 means all). Codes: not_found (no such document), unavailable.
	Events(ctx context.Context, kind Kind, id string, after int64, limit int) ([]Event, error)

	// LeaseOutbox claims up to n undelivered messages whose NextAttemptAt is
	// at or before now and that no live lease holds, oldest first.
	LeaseOutbox(ctx context.Context, lease Lease, now time.Time, n int) ([]OutboxMessage, error)
	// AckOutbox marks a leased message delivered. Codes: not_found,
	// conflict (the lease was lost to another worker).
	AckOutbox(ctx context.Context, id string, lease Lease, at time.Time) error
	// NackOutbox records a failed attempt: Attempts+1, LastError, and the
	// time of the next attempt; it releases the lease. Codes: not_found, conflict.
	NackOutbox(ctx context.Context, id string, lease Lease, errMsg string, retryAt time.Time) error
	// OutboxDepth counts messages waiting to be delivered: neither
	// delivered nor dead-lettered. Codes: unavailable.
	OutboxDepth(ctx context.Context) (int, error)
	// DeadLetterOutbox records the last failed attempt of a leased message,
	// as NackOutbox does, and dead-letters it at at: it is never leased
	// again unless re-driven. Codes: not_found, conflict (the lease was
	// lost, or the message was delivered), unavailable.
	DeadLetterOutbox(ctx context.Context, id string, lease Lease, errMsg string, at time.Time) error
	// DeadLetters returns one page of dead-lettered messages, by ID.
	// Codes: invalid (bad limit or cursor), unavailable.
	DeadLetters(ctx context.Context, q DeadLetterQuery) (DeadLetterPage, error)
	// DeadLetterCount counts dead-lettered messages. Codes: unavailable.
	DeadLetterCount(ctx context.Context) (int, error)
	// GetOutbox returns one outbox message in whatever state it is.
	// Codes: not_found, unavailable.
	GetOutbox(ctx context.Context, id string) (OutboxMessage, error)
	// RedriveOutbox puts a dead-lettered message back in the queue: no
	// longer dead, Attempts 0, next attempt at at, LastError kept. It
	// returns the message as it now is. Codes: not_found, conflict (the
	// message is not dead-lettered), unavailable.
	RedriveOutbox(ctx context.Context, id string, at time.Time) (OutboxMessage, error)
	// PruneOutbox deletes the messages delivered before deliveredBefore
	// (freeing their idempotency keys) and the create idempotency keys
	// ([Write].IdempotencyKey) stored before keysBefore, and counts them.
	// Waiting and dead-lettered messages are never pruned; a zero time
	// prunes nothing of its kind. Codes: unavailable.
	PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (Pruned, error)

	// LeaseDue claims up to n documents of the kind whose DueAt is at or
	// before now and that no live lease holds, for the scheduler. The claim
	// ends when the document is updated or the lease lapses.
	LeaseDue(ctx context.Context, kind Kind, lease Lease, now time.Time, n int) ([]Document, error)

	// Erase removes a document for good, as data protection law requires
	// of personal data no longer kept: the document, its events, the
	// outbox messages about it (delivered or not: those whose idempotency
	// key [NamesDocument] names it) and the record of the create that
	// made it (a create repeating that key then creates anew), and creates
	// the documents of e.Also, all in one transaction. It leaves none of
	// the document's content where a reader of the store's tables finds it.
	// Codes: invalid, not_found (no such document), conflict (an Also
	// document exists), unavailable.
	Erase(ctx context.Context, e Erasure) error
	// OutboxAbout returns every outbox message whose idempotency key
	// [NamesDocument] names the document id, delivered or not, oldest
	// first: what a subject access request shows of the messages about a
	// person's records, and what Erase would erase with the document.
	// Codes: invalid (no id), unavailable.
	OutboxAbout(ctx context.Context, id string) ([]OutboxMessage, error)

	// Close releases the store's resources.
	Close() error
}

// Role is whom a message is for.
type Role string

// The recipients of messages.
const (
	RoleLinkWorker Role = "link_worker"
	RolePartner    Role = "partner"
	RoleReferrer   Role = "referrer"
	RolePerson     Role = "person"
)

// Channel is how a message travels.
type Channel string

// The channels.
const (
	ChannelEmail  Channel = "email"
	ChannelSMS    Channel = "sms"
	ChannelLetter Channel = "letter"
	// ChannelEvent publishes a domain event on a bus, for other systems.
	ChannelEvent Channel = "event"
)

// Message is one message to send.
type Message struct {
	// IdempotencyKey is unique per message; sending it again returns the
	// first receipt and sends nothing.
	IdempotencyKey string `json:"idempotency_key"`
	// To is the recipient's role, id, name and address on the channel
	// (email address, phone number, postal address; empty for events).
	To      Recipient `json:"to"`
	Channel Channel   `json:"channel"`
	// Event is the domain event type, such as "referral.accepted".
	Event   string `json:"event,omitempty"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
	// Data is a JSON payload for machines (events).
	Data json.RawMessage `json:"data,omitempty"`
}

// Recipient says whom a message is for.
type Recipient struct {
	Role    Role   `json:"role"`
	ID      string `json:"id,omitempty"`
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
	// DoNotContact is set when the person asked not to be contacted; a
	// messenger must refuse to send to them (events are not contact).
	DoNotContact bool `json:"do_not_contact,omitempty"`
}

// Receipt confirms a message was handed over for delivery.
type Receipt struct {
	// ID is the provider's reference for the message.
	ID string `json:"id"`
	// At is when it was accepted.
	At time.Time `json:"at"`
	// Duplicate is true when the idempotency key had been sent before and
	// this receipt is the first one.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Messenger sends messages.
type Messenger interface {
	// Send delivers m once per idempotency key. Codes: invalid (no key, no
	// recipient, unknown channel, no address for email/SMS/letter),
	// forbidden (the recipient asked not to be contacted), unavailable.
	Send(ctx context.Context, m Message) (Receipt, error)
}

// CodedEvent is a coded entry for the person's GP record.
type CodedEvent struct {
	// IdempotencyKey makes a retried record return the first reference.
	IdempotencyKey string `json:"idempotency_key"`
	// NHSNumber identifies the person.
	NHSNumber string `json:"nhs_number"`
	// SNOMED is the concept id, such as "871731000000106".
	SNOMED string `json:"snomed"`
	// Display is the concept's term.
	Display string `json:"display"`
	// Date is when the event happened.
	Date socialrx.Date `json:"date"`
	// ReferralID is the socialrx referral it belongs to.
	ReferralID string `json:"referral_id"`
}

// ReferralBatch is a page of referrals pulled from a clinical system.
type ReferralBatch struct {
	// Referrals are referral documents (referral.schema.json).
	Referrals []json.RawMessage `json:"referrals"`
	// Cursor is where the next pull continues.
	Cursor string `json:"cursor"`
}

// ClinicalSystem connects to a GP or other clinical record system.
type ClinicalSystem interface {
	// RecordEvent writes a coded event to the person's record and returns
	// the system's reference; a repeated idempotency key returns the first
	// reference. Codes: invalid, not_found (no such person), unavailable.
	RecordEvent(ctx context.Context, e CodedEvent) (string, error)
	// LookupPerson returns the person's demographics as a referral.Person
	// document. Codes: invalid (bad NHS number), not_found, unavailable.
	LookupPerson(ctx context.Context, nhsNumber string) (json.RawMessage, error)
	// PullReferrals returns referrals made since cursor ("" for the start),
	// at most limit. Codes: invalid (bad cursor), unavailable.
	PullReferrals(ctx context.Context, cursor string, limit int) (ReferralBatch, error)
}
