// Package host is the application service of the socialrx reference host:
// [Service] carries a referral through the whole journey over the plugin
// contracts, with its outbox worker, scheduler and audit log. It has no
// HTTP in it; package httpapi serves it over HTTP, and the socialrx binary
// (cmd/socialrx) reads the config, launches the plugins and wires the two.
//
// Embedders may use [Service] on its own, as the package's Example
// (example_test.go) does: [NewService] over a store and a messenger,
// [Service.CreateReferral] as a GP, [Service.ChangeReferralStatus] as a
// link worker, [Service.DeliverOutbox] to send what the changes caused.
//
// Every method takes the calling [Principal] (who they are comes from their
// credentials, never from a request body), applies the domain rules of
// packages referral, plan, directory and outcomes, checks who may do what,
// and stores through a [plugins.Store], queuing in the same atomic write the
// messages the change causes (outbox). Updates name their [Target]: the
// record and the version the caller read, so a change based on a stale read
// is a conflict. [Service.DeliverOutbox] sends queued messages through the
// plugins; [Service.RunScheduler] finds work that has fallen due. [Schemas]
// and [ValidateAs] are the one registry of every published JSON Schema.
//
// Personal data leaves only as the person's consent allows now and the
// caller's role, organisation and team allow (see access.go): partners get
// a view made afresh from the consents on every read and message; a record
// a caller may not know of is not_found; every read, write and refusal is
// audited, a write's entry in the same atomic write.
//
// Every document the Service stores carries the version of its format
// ([FormatKey]); it reads older formats through upgrade functions, passes
// over members a newer host added, and does not write over a document in a
// format newer than it knows (formats.go), so hosts of two releases can
// share one store during a rolling upgrade.
package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// Options configure a [Service].
type Options struct {
	// Store keeps everything. Required.
	Store plugins.Store
	// Messenger and Clinical deliver outbox messages; either may be nil,
	// and their messages then wait in the outbox.
	Messenger plugins.Messenger
	Clinical  plugins.ClinicalSystem
	// Team is told of each new referral (the link workers' shared inbox).
	Team plugins.Recipient
	// Policy holds check-in and partner-chasing timings.
	Policy referral.Policy
	// RuleSet triages assessments; nil means plan.DefaultRules().
	RuleSet *plan.RuleSet
	// Caseload weights plans and sets capacity for caseload summaries.
	Caseload plan.CaseloadOptions
	// FollowUpAfterDays is when, after a baseline measure, the team is
	// reminded to take the follow-up; default 84 (12 weeks).
	FollowUpAfterDays int
	// Instruments score measurements; nil means outcomes.DefaultRegistry().
	Instruments *outcomes.Registry
	// LinkWorkers are how people reach each link worker, by token id, for
	// their plan summaries.
	LinkWorkers map[string]plan.LinkWorker
	// Teams maps a referrer's organisation code (a GP practice) to the team
	// of link workers whose case its referrals are, for referrals made by a
	// caller with no team of their own (such as those pulled from the
	// clinical system). A caller's own team wins.
	Teams map[string]string
	// CrossTeam lets a link worker reach another team's case when they state
	// their purpose (see [WithReason]); each such access is audited as
	// cross-team. Without it, another team's case is not found.
	CrossTeam bool
	// MinCell is the smallest cell an outcomes report may publish: a floor no
	// request can lower (a request may raise it). Default, and never below,
	// outcomes' own default.
	MinCell int
	// Lease is how long the outbox worker and scheduler hold what they
	// took; after a crash, others take it over when it lapses. Default DefaultLease.
	Lease time.Duration
	// Retry is how failed outbox deliveries are retried and when they are
	// dead-lettered; zero fields take their defaults.
	Retry RetryPolicy
	// PruneDeliveredAfter is how long a delivered outbox message is kept
	// before [Service.PruneOutbox] deletes it; default
	// DefaultPruneDeliveredAfter.
	PruneDeliveredAfter time.Duration
	// IdempotencyKeysTTL is how long the key of a create (Idempotency-Key)
	// is kept, within which a repeated create returns the first result;
	// default DefaultIdempotencyKeysTTL.
	IdempotencyKeysTTL time.Duration
	// DirectoryRefresh is how long the Service searches its copy of the
	// directory before it reads what changed in the store, by Now: how long
	// an import through another host sharing the store may take to show.
	// Default DefaultDirectoryRefresh.
	DirectoryRefresh time.Duration
	// DirectoryInBackground stops requests refreshing the directory: the
	// embedder calls [Service.SyncDirectory] every DirectoryRefresh (as
	// socialrx serve does), so no search waits on the store, and reports
	// ready only once [Service.DirectoryLoaded]. A request before the first
	// load still waits for it.
	DirectoryInBackground bool
	// RetentionMonths is how many months after a referral is closed or
	// declined its personal data is erased by the scheduler, keeping only
	// what reports count (see [KindRetained]); 0 means
	// [DefaultRetentionMonths], below 0 never.
	RetentionMonths int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger logs delivery failures and scheduler runs; nil discards.
	Logger *slog.Logger

	// later are formats beyond this build's, by kind, for tests that play a
	// newer host (see export_test.go).
	later map[plugins.Kind][]upgrade
}

// Service is the application service of the host. It is safe for
// concurrent use, and several Services may share one Store.
type Service struct {
	o         Options
	dir       dirCache
	retention throttle
}

// NewService returns a Service. Codes: invalid (no store).
func NewService(o Options) (*Service, error) {
	if o.Store == nil {
		return nil, socialrx.Invalid(socialrx.Field("/store", "required"))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FollowUpAfterDays <= 0 {
		o.FollowUpAfterDays = 84
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	o.Retry = o.Retry.withDefaults()
	if o.PruneDeliveredAfter <= 0 {
		o.PruneDeliveredAfter = DefaultPruneDeliveredAfter
	}
	if o.IdempotencyKeysTTL <= 0 {
		o.IdempotencyKeysTTL = DefaultIdempotencyKeysTTL
	}
	if o.DirectoryRefresh <= 0 {
		o.DirectoryRefresh = DefaultDirectoryRefresh
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Team.Role == "" {
		o.Team.Role = plugins.RoleLinkWorker
	}
	o.MinCell = max(o.MinCell, outcomes.DefaultMinCell)
	ix, err := directory.NewIndex()
	if err != nil {
		return nil, err
	}
	return &Service{o: o, dir: dirCache{ix: ix}}, nil
}

func (s *Service) now() time.Time { return s.o.Now().UTC().Truncate(time.Microsecond) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Target names the record an update applies to and the version the caller
// read (an HTTP ETag). Version 0 skips the check; the version read at the
// time of the update is used.
type Target struct {
	ID      string
	Version int64
}

// Page asks for one page of a list: the cursor the previous page returned
// ("" for the first) and how many items at most (0: the store's default).
type Page struct {
	Cursor string
	Limit  int
}

// forbid returns forbidden unless the principal has one of the roles.
func forbid(p Principal, what string, roles ...referral.Role) error {
	for _, r := range roles {
		if p.Role == r && (p.ID != "" || r == RolePublic) {
			return nil
		}
	}
	return socialrx.Errorf(socialrx.CodeForbidden, "role %q may not %s", p.Role, what)
}

// checkVersion refuses a write based on a stale read (If-Match).
func checkVersion(d plugins.Document, want int64) error {
	if want != 0 && want != d.Version {
		return socialrx.Errorf(socialrx.CodeConflict, "%s %s is at version %d, not %d", d.Kind, d.ID, d.Version, want)
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("host: encoding %T: %v", v, err))
	}
	return b
}

// message builds an outbox message for the messenger.
func message(key string, m plugins.Message) plugins.OutboxMessage {
	m.IdempotencyKey = key
	return plugins.OutboxMessage{ID: newID(), IdempotencyKey: key, Target: "messenger", Payload: mustJSON(m)}
}

// event builds an outbox message publishing a domain event with ids and
// statuses only: no personal data goes on the bus.
func event(key, typ string, data map[string]any) plugins.OutboxMessage {
	return message(key, plugins.Message{To: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "bus"}, Channel: plugins.ChannelEvent, Event: typ, Data: mustJSON(data)})
}

// personKey is the index key that finds a person's referrals: the NHS
// number's hash when there is one, else a hash of name and date of birth.
func personKey(p referral.Person) string {
	if p.NHSNumber != "" {
		return "nhs:" + hashHex(p.NHSNumber)[:32]
	}
	return "name:" + hashHex(p.GivenName + "|" + p.FamilyName + "|" + p.DateOfBirth.String())[:32]
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// OutboxDepth is how many outbox messages wait to be delivered; an error
// means the store does not answer. Codes: unavailable.
func (s *Service) OutboxDepth(ctx context.Context) (int, error) {
	return s.o.Store.OutboxDepth(ctx)
}

// stamp makes queued messages due at the host's now, so the host's clock,
// not the store's, decides when they are first sent.
func (s *Service) stamp(out []plugins.OutboxMessage) []plugins.OutboxMessage {
	now := s.now()
	for i := range out {
		if out[i].NextAttemptAt.IsZero() {
			out[i].NextAttemptAt = now
		}
	}
	return out
}

// listUpTo returns the first max documents q selects, reading as many
// pages as that takes: a page stops short of its limit when its documents
// are large (see plugins.Page).
func (s *Service) listUpTo(ctx context.Context, q plugins.Query, max int) ([]plugins.Document, error) {
	var out []plugins.Document
	for len(out) < max {
		pg, err := s.o.Store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Documents...)
		if q.Cursor = pg.Next; q.Cursor == "" {
			break
		}
	}
	return out[:min(len(out), max)], nil
}
