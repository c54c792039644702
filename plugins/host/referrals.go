package host

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// staff are the roles that work referrals.
var staff = []referral.Role{referral.RoleAdmin, referral.RoleLinkWorker}

// referralDoc is the stored document of a referral of a team, with its
// filter fields.
func (s *Service) referralDoc(r *referral.Referral, team string) plugins.Document {
	d := plugins.Document{Kind: plugins.KindReferral, ID: r.ID, Version: r.Version, Status: string(r.Status),
		Owner: r.Owner, Person: personKey(r.Person), Team: team, Data: s.encode(plugins.KindReferral, r)}
	due, next := r.Reminders(s.now())
	d.DueAt = dueAt(len(due) > 0, next, s.now())
	return d
}

// referralOutbox is what the events appended to a referral cause: a domain
// event on the bus for each, the referrer's notice for accept, decline and
// close, and the coded events for the GP record (when a clinical system is
// configured and the person has an NHS number).
func (s *Service) referralOutbox(r *referral.Referral, from int) []plugins.OutboxMessage {
	var out []plugins.OutboxMessage
	for i := from; i < len(r.History); i++ {
		e := r.History[i]
		key := fmt.Sprintf("referral:%s:%d", r.ID, i)
		typ := "referral." + string(e.To)
		if e.Type != referral.EventStatus && e.Type != "" {
			typ = "referral." + string(e.Type)
		}
		out = append(out, event(key+":event", typ, map[string]any{"referral_id": r.ID, "status": r.Status, "episode": e.Episode, "reason": e.Reason, "at": e.At}))
		if n, ok := referral.ReferrerNotice(r, e); ok && n.To.Email != "" {
			out = append(out, message(key+":referrer", plugins.Message{
				To:      plugins.Recipient{Role: plugins.RoleReferrer, ID: n.To.OrganisationCode, Name: n.To.Name, Address: n.To.Email},
				Channel: plugins.ChannelEmail, Event: n.Event, Subject: n.Subject, Body: n.Body}))
		}
		for j, ce := range referral.ClinicalEvents(r, e) {
			if ce.NHSNumber == "" || s.o.Clinical == nil {
				continue
			}
			k := fmt.Sprintf("%s:clinical:%d", key, j)
			out = append(out, plugins.OutboxMessage{ID: newID(), IdempotencyKey: k, Target: "clinical", Payload: mustJSON(plugins.CodedEvent{
				IdempotencyKey: k, NHSNumber: ce.NHSNumber, SNOMED: ce.SNOMED, Display: ce.Display, Date: ce.Date, ReferralID: ce.ReferralID})})
		}
	}
	return out
}

// storeEvents mirrors referral history entries into the store's event log.
func storeEvents(typ string, from int, history []referral.Event) []plugins.Event {
	var out []plugins.Event
	for _, e := range history[from:] {
		t := typ + "." + string(e.To)
		if e.Type != referral.EventStatus && e.Type != "" {
			t = typ + "." + string(e.Type)
		}
		out = append(out, plugins.Event{Type: t, Actor: e.Actor.ID, At: e.At, Data: mustJSON(e)})
	}
	return out
}

// CreateReferral receives a referral: it validates it, stores it (status
// received) and queues a notice to the link worker team, which names any
// open referral that looks like the same person. A repeated idempotency key
// by the same principal with the same request returns the first referral;
// with a different request it is a conflict. Referrers, link workers and
// admins may create. The server mints the id (one in the request is
// ignored, but for referrals the host pulls from the clinical system, which
// keep theirs), and a referrer refers for their own organisation: the
// referrer's organisation code is the principal's. The referral belongs to
// the caller's team, else the team its practice is mapped to
// (Options.Teams). Codes: forbidden, invalid, unavailable.
func (s *Service) CreateReferral(ctx context.Context, p Principal, in referral.Referral, idempotencyKey string) (*referral.Referral, error) {
	if err := forbid(p, "create referrals", referral.RoleReferrer, referral.RoleLinkWorker, referral.RoleAdmin, referral.RoleSystem); err != nil {
		return nil, err
	}
	if p.Role == referral.RoleReferrer {
		switch code := in.Referrer.OrganisationCode; {
		case code == "":
			in.Referrer.OrganisationCode = p.Organisation
		case code != p.Organisation:
			return nil, socialrx.Invalid(socialrx.Field("/referrer/organisation_code", "must be your own organisation's code, %s", p.Organisation))
		}
	}
	request := in
	if p.Role != referral.RoleSystem || in.ID == "" {
		in.ID = newID()
	}
	now := s.now()
	r, err := referral.New(in, p.Actor(), now)
	if err != nil {
		return nil, err
	}
	dups, err := s.openReferralsOf(ctx, r)
	if err != nil {
		return nil, err
	}
	body := fmt.Sprintf("A new %s referral (%s) from %s is waiting to be accepted or declined.", r.Urgency, r.ID, r.Referrer.Name)
	if len(dups) > 0 {
		ids := make([]string, len(dups))
		for i, d := range dups {
			ids[i] = d.ReferralID
		}
		body += " It may be a duplicate of open referral " + strings.Join(ids, ", ") + "."
	}
	out := dropTeam(append(s.referralOutbox(r, 0), message("referral:"+r.ID+":new", plugins.Message{To: s.o.Team, Channel: plugins.ChannelEmail,
		Event: "referral.received", Subject: "New referral", Body: body})))
	var stored referral.Referral
	err = s.create(ctx, p, idempotencyKey, request, plugins.Write{Document: s.referralDoc(r, s.teamOf(p, r)), Events: storeEvents("referral", 0, r.History), Outbox: out}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// openReferralsOf finds open referrals that look like the same person.
func (s *Service) openReferralsOf(ctx context.Context, r *referral.Referral) ([]referral.Duplicate, error) {
	docs, err := s.listUpTo(ctx, plugins.Query{Kind: plugins.KindReferral, Person: personKey(r.Person), Limit: 100}, 100)
	if err != nil {
		return nil, err
	}
	others := make([]referral.Referral, 0, len(docs))
	for _, d := range docs {
		var o referral.Referral
		if err := s.decodeDoc(d, &o); err != nil {
			return nil, err
		}
		others = append(others, o)
	}
	return referral.FindDuplicates(r, others), nil
}

// Outcome is what a referrer may read of their own referral: where it
// stands and why, and nothing of the plan or the person's details.
type Outcome struct {
	ID         string          `json:"id"`
	Status     referral.Status `json:"status"`
	ReceivedAt time.Time       `json:"received_at"`
	// Steps are the status changes, with reasons.
	Steps []OutcomeStep `json:"steps"`
}

// OutcomeStep is one status change in an [Outcome].
type OutcomeStep struct {
	At     time.Time       `json:"at"`
	Status referral.Status `json:"status"`
	Reason referral.Reason `json:"reason,omitempty"`
}

func outcomeOf(r *referral.Referral) Outcome {
	o := Outcome{ID: r.ID, Status: r.Status, ReceivedAt: r.ReceivedAt}
	for _, e := range r.History {
		if e.Type == referral.EventStatus || e.Type == "" {
			o.Steps = append(o.Steps, OutcomeStep{At: e.At, Status: e.To, Reason: e.Reason})
		}
	}
	return o
}

// GetReferral returns a referral to a link worker of its team or an admin,
// or its [Outcome] to a referrer of the organisation that made it (the
// second result; the first is then nil). Codes: forbidden (any other role),
// not_found (also for a referral the caller may not know of), unavailable.
func (s *Service) GetReferral(ctx context.Context, p Principal, id string) (*referral.Referral, *Outcome, error) {
	if err := forbid(p, "read referrals", referral.RoleAdmin, referral.RoleLinkWorker, referral.RoleReferrer); err != nil {
		return nil, nil, s.denied(ctx, p, "read", plugins.KindReferral, id, err)
	}
	r, d, err := s.loadReferral(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.Role == referral.RoleReferrer {
		if r.Referrer.OrganisationCode != p.Organisation {
			return nil, nil, s.denied(ctx, p, "read_outcome", plugins.KindReferral, id, notFound(plugins.KindReferral, id))
		}
		o := outcomeOf(&r)
		return nil, &o, s.audit(ctx, p, "read_outcome", plugins.KindReferral, id)
	}
	if err := s.reachCase(ctx, p, d, "read"); err != nil {
		return nil, nil, err
	}
	if err := s.audit(ctx, p, "read", plugins.KindReferral, id); err != nil {
		return nil, nil, err
	}
	return &r, nil, nil
}

// ReferralQuery filters a list of referrals.
type ReferralQuery struct {
	// Status keeps referrals in this status ("" for any).
	Status referral.Status
	// Owner keeps referrals owned by this link worker ("" for any).
	Owner string
	Page
}

// ListReferrals returns a page of referrals for link workers (of their
// team's cases) and admins, filtered by status and owner, and the cursor of
// the next page ("" on the last). Codes: forbidden, invalid, unavailable.
func (s *Service) ListReferrals(ctx context.Context, p Principal, q ReferralQuery) ([]referral.Referral, string, error) {
	if err := forbid(p, "list referrals", staff...); err != nil {
		return nil, "", s.denied(ctx, p, "list", plugins.KindReferral, "", err)
	}
	if q.Status != "" && !socialrx.ValidEnum(q.Status) {
		return nil, "", socialrx.Invalid(socialrx.Field("/status", "unknown status %q", string(q.Status)))
	}
	pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindReferral, Status: string(q.Status), Owner: q.Owner, Team: listTeam(p), Cursor: q.Cursor, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]referral.Referral, len(pg.Documents))
	for i, d := range pg.Documents {
		if err := s.decodeDoc(d, &out[i]); err != nil {
			return nil, "", err
		}
	}
	if err := s.audit(ctx, p, "list", plugins.KindReferral, "status="+string(q.Status)+"&owner="+q.Owner, docIDs(pg.Documents)...); err != nil {
		return nil, "", err
	}
	return out, pg.Next, nil
}

// UpdateReferral loads the target referral, applies fn to it, and stores
// it with the events fn appended and the messages they cause, in one atomic
// write compare-and-swapped on the target's version (0: the version just
// read). fn receives the current time; what names the change in the audit
// log. Only link workers and admins may change referrals. Codes:
// forbidden, not_found, conflict (stale version), invalid (from fn),
// unavailable.
func (s *Service) UpdateReferral(ctx context.Context, p Principal, t Target, what string, fn func(r *referral.Referral, now time.Time) error) (*referral.Referral, error) {
	if err := forbid(p, what, staff...); err != nil {
		return nil, s.denied(ctx, p, what, plugins.KindReferral, t.ID, err)
	}
	return updateDoc(ctx, s, p, plugins.KindReferral, t, what, func(d plugins.Document) error { return s.reachCase(ctx, p, d, what) },
		func(r *referral.Referral, d plugins.Document, now time.Time) (plugins.Write, error) {
			from := len(r.History)
			if err := fn(r, now); err != nil {
				return plugins.Write{}, err
			}
			return plugins.Write{Document: s.referralDoc(r, d.Team), Events: storeEvents("referral", from, r.History), Outbox: s.referralOutbox(r, from)}, nil
		})
}

// ChangeReferralStatus applies a status change (accept, decline, start,
// hold, resume, close, re-open) as the principal, now. See [Service.UpdateReferral].
func (s *Service) ChangeReferralStatus(ctx context.Context, p Principal, t Target, in StatusChange) (*referral.Referral, error) {
	return s.UpdateReferral(ctx, p, t, "change_status", func(r *referral.Referral, now time.Time) error {
		return r.Apply(referral.Change{To: in.To, Reason: in.Reason, Note: in.Note, By: p.Actor(), At: now}, now)
	})
}

// Signpost signposts the person to a directory service. See [Service.UpdateReferral].
func (s *Service) Signpost(ctx context.Context, p Principal, t Target, in SignpostRequest) (*referral.Referral, error) {
	return s.UpdateReferral(ctx, p, t, "signpost", func(r *referral.Referral, now time.Time) error {
		_, err := r.Signpost(in.ServiceID, p.Actor(), now, now, in.Note, s.o.Policy)
		return err
	})
}

// CheckIn records the check-in of one of the referral's signposts. See [Service.UpdateReferral].
func (s *Service) CheckIn(ctx context.Context, p Principal, t Target, signpostID string, in CheckInRequest) (*referral.Referral, error) {
	return s.UpdateReferral(ctx, p, t, "check_in", func(r *referral.Referral, now time.Time) error {
		return r.RecordCheckIn(signpostID, in.Result, p.Actor(), now, now, in.Note)
	})
}

// RecordConsent records or withdraws one of the person's consents, with
// what that changes downstream (see [referral.Referral.WithdrawConsent]):
// without consent to be referred the referral ends and the referrer is
// told; a change to the consent to share with partners (or to be referred)
// refreshes what every partner of the referral sees, and the withdrawal of
// either cancels their open onward referrals, each partner told only that
// it was withdrawn. See
// [Service.UpdateReferral].
func (s *Service) RecordConsent(ctx context.Context, p Principal, t Target, in ConsentChange) (*referral.Referral, error) {
	r, err := s.UpdateReferral(ctx, p, t, "consent", func(r *referral.Referral, now time.Time) error {
		if in.Withdraw {
			return r.WithdrawConsent(in.Kind, p.Actor(), now, now, in.Note)
		}
		return r.RecordConsent(in.Kind, in.Given, in.Scope, p.Actor(), now, now)
	})
	if err != nil || (in.Kind != referral.ConsentShare && in.Kind != referral.ConsentReferral) {
		return r, err
	}
	return r, s.applySharing(ctx, p, r)
}

// docIDs are the ids of documents, for the audit entry of a list read.
func docIDs(ds []plugins.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}
