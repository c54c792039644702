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

// onwardDoc is the stored document of an onward referral of a team. Person
// is the referral's person key, so a person's onward referrals can be
// listed.
func (s *Service) onwardDoc(o *referral.OnwardReferral, person, team string) plugins.Document {
	d := plugins.Document{Kind: plugins.KindOnwardReferral, ID: o.ID, Version: o.Version, Status: string(o.Status),
		Owner: o.RequestedBy, Partner: o.Partner, Person: person, Team: team, Data: s.encode(plugins.KindOnwardReferral, o)}
	due, next := o.ChasesDue(s.now(), s.o.Policy)
	d.DueAt = dueAt(due > 0, next, s.now())
	return d
}

// onwardOutbox is what onward referral events cause: a bus event for each;
// for the request, the partner's view of the person by email when the
// partner organisation's directory entry has an address (else the partner
// reads it over the API); for a cancellation, a note to the partner that
// says no more than that; for the partner's answers, a note to the link
// worker team. o's view must be refreshed from the consent as it is now.
func (s *Service) onwardOutbox(o *referral.OnwardReferral, from int, partnerEmail string) []plugins.OutboxMessage {
	var out []plugins.OutboxMessage
	toPartner := func(key, event, subject, body string) {
		if partnerEmail != "" {
			out = append(out, message(key+":partner", plugins.Message{To: plugins.Recipient{Role: plugins.RolePartner, ID: o.Partner, Address: partnerEmail},
				Channel: plugins.ChannelEmail, Event: event, Subject: subject, Body: body}))
		}
	}
	for i := from; i < len(o.History); i++ {
		e := o.History[i]
		key := fmt.Sprintf("onward:%s:%d", o.ID, i)
		out = append(out, event(key+":event", "onward_referral."+string(e.To), map[string]any{
			"onward_referral_id": o.ID, "referral_id": o.ReferralID, "service_id": o.ServiceID, "partner": o.Partner, "status": e.To, "reason": e.Reason, "at": e.At}))
		switch e.To {
		case referral.TaskRequested:
			v := o.View
			body := fmt.Sprintf("%s would like help with: %s.\n", orDash(v.Name), needLabels(v.Needs))
			if v.ContactMethod != "" {
				body += fmt.Sprintf("Contact them by %s: %s.\n", v.ContactMethod, v.ContactDetail)
			} else {
				body += "Please contact them through their link worker.\n"
			}
			if v.Note != "" {
				body += "From the link worker: " + v.Note + "\n"
			}
			body += "Please accept or reject this referral (onward referral " + o.ID + ")."
			toPartner(key, "onward_referral.requested", "New referral for "+o.ServiceID, body)
		case referral.TaskCancelled:
			toPartner(key, "onward_referral.cancelled", "A referral was withdrawn",
				fmt.Sprintf("Onward referral %s to %s has been withdrawn. Please do not contact the person about it, and delete any details of theirs you were sent for it.", o.ID, o.ServiceID))
		case referral.TaskAccepted, referral.TaskRejected, referral.TaskCompleted, referral.TaskFailed:
			body := fmt.Sprintf("Onward referral %s to %s is now %s.", o.ID, o.ServiceID, e.To)
			if e.Reason != "" {
				body = fmt.Sprintf("Onward referral %s to %s is now %s (%s).", o.ID, o.ServiceID, e.To, e.Reason)
			}
			out = append(out, message(key+":team", plugins.Message{To: s.o.Team, Channel: plugins.ChannelEmail, Event: "onward_referral." + string(e.To), Subject: "Partner update", Body: body}))
		}
	}
	return dropTeam(out)
}

// CreateOnwardReferral refers the person of a referral on to a partner's
// service and queues the partner's view of the person for them. The
// service must be in the directory, and the partner is the organisation
// that runs it (a partner named in the request must be that one). Link
// workers of the referral's team and admins may. Codes: forbidden (also
// when the person has not consented to sharing), not_found, invalid,
// unavailable.
func (s *Service) CreateOnwardReferral(ctx context.Context, p Principal, referralID string, in OnwardRequest, idempotencyKey string) (*referral.OnwardReferral, error) {
	if err := forbid(p, "make onward referrals", staff...); err != nil {
		return nil, s.denied(ctx, p, "refer_on", plugins.KindReferral, referralID, err)
	}
	r, d, err := s.loadReferral(ctx, referralID)
	if err != nil {
		return nil, err
	}
	if err := s.reachCase(ctx, p, d, "refer_on"); err != nil {
		return nil, err
	}
	partner, err := s.runnerOf(ctx, in.ServiceID, in.Partner)
	if err != nil {
		return nil, err
	}
	now := s.now()
	o, err := referral.NewOnwardReferral(&r, in.ServiceID, partner, in.Needs, p.Actor(), now, now, in.Note)
	if err != nil {
		return nil, err
	}
	o.ID = newID()
	var stored referral.OnwardReferral
	err = s.create(ctx, p, idempotencyKey, []any{referralID, in.ServiceID, in.Partner, in.Needs, in.Note}, plugins.Write{Document: s.onwardDoc(o, d.Person, d.Team),
		Events: taskEvents(o, 0), Outbox: s.onwardOutbox(o, 0, s.partnerEmail(ctx, partner))}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// runnerOf returns the organisation that runs a directory service, which
// an onward referral is addressed to: the partner named, if it is that one.
// Codes: invalid (no such service, or another organisation), unavailable.
func (s *Service) runnerOf(ctx context.Context, serviceID, partner string) (string, error) {
	d, err := s.o.Store.Get(ctx, plugins.KindService, serviceID)
	switch {
	case socialrx.ErrorCode(err) == socialrx.CodeNotFound:
		return "", socialrx.Invalid(socialrx.Field("/service_id", "no service %q in the directory", serviceID))
	case err != nil:
		return "", err
	case d.Partner == "":
		return "", socialrx.Invalid(socialrx.Field("/service_id", "the directory names no organisation that runs service %q", serviceID))
	case partner != "" && partner != d.Partner:
		return "", socialrx.Invalid(socialrx.Field("/partner", "service %q is run by organisation %q; leave partner out or name that one", serviceID, d.Partner))
	}
	return d.Partner, nil
}

func taskEvents(o *referral.OnwardReferral, from int) []plugins.Event {
	var out []plugins.Event
	for _, e := range o.History[from:] {
		out = append(out, plugins.Event{Type: "onward_referral." + string(e.To), Actor: e.Actor.ID, At: e.At, Data: mustJSON(e)})
	}
	return out
}

// reachOnward lets a partner at the onward referrals addressed to its
// organisation, and link workers and admins as at the case it belongs to;
// anyone else is refused (forbidden for a role that never may, else
// not_found), and the refusal audited.
func (s *Service) reachOnward(ctx context.Context, p Principal, d plugins.Document, action string) error {
	switch p.Role {
	case referral.RolePartner:
		if p.Organisation != "" && p.Organisation == d.Partner {
			return nil
		}
		return s.denied(ctx, p, action, d.Kind, d.ID, notFound(d.Kind, d.ID))
	case referral.RoleAdmin, referral.RoleLinkWorker:
		return s.reachCase(ctx, p, d, action)
	}
	return s.denied(ctx, p, action, d.Kind, d.ID, socialrx.Errorf(socialrx.CodeForbidden, "role %q may not act on onward referrals", p.Role))
}

// loadOnward decodes a stored onward referral with its partner view made
// afresh from the referral's consents as they are now. Every onward
// referral the service hands out or messages about passes through here.
// Codes: internal, unavailable.
func (s *Service) loadOnward(ctx context.Context, d plugins.Document) (referral.OnwardReferral, error) {
	var o referral.OnwardReferral
	if err := s.decodeDoc(d, &o); err != nil {
		return o, err
	}
	r, _, err := s.loadReferral(ctx, o.ReferralID)
	if err != nil {
		return o, err
	}
	o.RefreshView(&r)
	return o, nil
}

// GetOnwardReferral returns an onward referral: to its partner, link
// workers of its team and admins. It holds only the partner view of the
// person, as their consent allows now. Codes: forbidden, not_found,
// unavailable.
func (s *Service) GetOnwardReferral(ctx context.Context, p Principal, id string) (*referral.OnwardReferral, error) {
	d, err := s.o.Store.Get(ctx, plugins.KindOnwardReferral, id)
	if err != nil {
		return nil, err
	}
	if err := s.reachOnward(ctx, p, d, "read"); err != nil {
		return nil, err
	}
	o, err := s.loadOnward(ctx, d)
	if err != nil {
		return nil, err
	}
	return &o, s.audit(ctx, p, "read", plugins.KindOnwardReferral, id)
}

// OnwardQuery filters a list of onward referrals.
type OnwardQuery struct {
	// Partner keeps those addressed to this organisation ("" for any; a
	// partner always sees only its own).
	Partner string
	// Status keeps those in this status ("" for any).
	Status referral.TaskStatus
	Page
}

// ListOnwardReferrals returns a page of onward referrals and the cursor of
// the next page: a partner's own only, a link worker's team's only; link
// workers and admins may filter by partner and status. Each holds the
// partner view as consent allows now. Codes: forbidden, invalid,
// unavailable.
func (s *Service) ListOnwardReferrals(ctx context.Context, p Principal, q OnwardQuery) ([]referral.OnwardReferral, string, error) {
	if err := forbid(p, "list onward referrals", referral.RoleAdmin, referral.RoleLinkWorker, referral.RolePartner); err != nil {
		return nil, "", s.denied(ctx, p, "list", plugins.KindOnwardReferral, "", err)
	}
	partner := q.Partner
	if p.Role == referral.RolePartner {
		partner = p.Organisation
	}
	if q.Status != "" && !socialrx.ValidEnum(q.Status) {
		return nil, "", socialrx.Invalid(socialrx.Field("/status", "unknown status %q", string(q.Status)))
	}
	pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindOnwardReferral, Partner: partner, Status: string(q.Status), Team: listTeam(p), Cursor: q.Cursor, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]referral.OnwardReferral, len(pg.Documents))
	for i, d := range pg.Documents {
		if out[i], err = s.loadOnward(ctx, d); err != nil {
			return nil, "", err
		}
	}
	if err := s.audit(ctx, p, "list", plugins.KindOnwardReferral, "partner="+partner+"&status="+string(q.Status), docIDs(pg.Documents)...); err != nil {
		return nil, "", err
	}
	return out, pg.Next, nil
}

// UpdateOnwardReferral loads the target onward referral, checks the
// principal may act on it, refreshes its partner view from the consent as
// it is now, applies fn and stores the result with its events and messages
// in one compare-and-swap write. Codes: forbidden, not_found, conflict,
// invalid, unavailable.
func (s *Service) UpdateOnwardReferral(ctx context.Context, p Principal, t Target, what string, fn func(o *referral.OnwardReferral, now time.Time) error) (*referral.OnwardReferral, error) {
	return updateDoc(ctx, s, p, plugins.KindOnwardReferral, t, what, func(d plugins.Document) error { return s.reachOnward(ctx, p, d, what) },
		func(o *referral.OnwardReferral, d plugins.Document, now time.Time) (plugins.Write, error) {
			r, _, err := s.loadReferral(ctx, o.ReferralID)
			if err != nil {
				return plugins.Write{}, err
			}
			o.RefreshView(&r)
			from := len(o.History)
			if err := fn(o, now); err != nil {
				return plugins.Write{}, err
			}
			return plugins.Write{Document: s.onwardDoc(o, d.Person, d.Team), Events: taskEvents(o, from), Outbox: s.onwardOutbox(o, from, s.partnerEmail(ctx, o.Partner))}, nil
		})
}

// applySharing carries a change of the consent to share with partners, or
// to be referred, to every onward referral of the referral: each stored
// view is made afresh (so no more than the consent allows is kept for
// partners), and without either consent the open ones are cancelled. A failure leaves the referral's
// consent recorded and stops here; reads and messages still refresh the
// view, so nothing more is disclosed, and repeating the consent change
// finishes the job.
func (s *Service) applySharing(ctx context.Context, p Principal, r *referral.Referral) error {
	q := plugins.Query{Kind: plugins.KindOnwardReferral, Person: personKey(r.Person), Limit: 1000}
	for {
		pg, err := s.o.Store.List(ctx, q)
		if err != nil {
			return err
		}
		for _, d := range pg.Documents {
			var o referral.OnwardReferral
			if err := s.decodeDoc(d, &o); err != nil {
				return err
			}
			if o.ReferralID != r.ID {
				continue
			}
			_, err := s.UpdateOnwardReferral(ctx, p, Target{ID: d.ID}, "consent_change", func(o *referral.OnwardReferral, now time.Time) error {
				if r.Consents.ShareWithPartners.Active() && r.Consents.Referral.Active() {
					return nil // the view was refreshed
				}
				_, err := o.Withdraw(r, p.Actor(), now, now)
				return err
			})
			if err != nil {
				return err
			}
		}
		if q.Cursor = pg.Next; q.Cursor == "" {
			return nil
		}
	}
}

// ChangeOnwardStatus moves an onward referral (partner: accept, reject,
// start, hold, complete, fail; either side: cancel). See [Service.UpdateOnwardReferral].
func (s *Service) ChangeOnwardStatus(ctx context.Context, p Principal, t Target, in TaskChange) (*referral.OnwardReferral, error) {
	return s.UpdateOnwardReferral(ctx, p, t, "change_status", func(o *referral.OnwardReferral, now time.Time) error {
		return o.Transition(p.Actor(), in.To, in.Reason, in.Note, now, now)
	})
}

// RecordAttendance records a session the person attended or missed. See [Service.UpdateOnwardReferral].
func (s *Service) RecordAttendance(ctx context.Context, p Principal, t Target, in AttendanceRequest) (*referral.OnwardReferral, error) {
	return s.UpdateOnwardReferral(ctx, p, t, "attendance", func(o *referral.OnwardReferral, now time.Time) error {
		return o.RecordAttendance(p.Actor(), in.Date, in.Attended, in.Note, now)
	})
}

// AddFeedback adds partner or link worker feedback. See [Service.UpdateOnwardReferral].
func (s *Service) AddFeedback(ctx context.Context, p Principal, t Target, in FeedbackRequest) (*referral.OnwardReferral, error) {
	return s.UpdateOnwardReferral(ctx, p, t, "feedback", func(o *referral.OnwardReferral, now time.Time) error {
		return o.AddFeedback(p.Actor(), in.Text, now, now)
	})
}

// partnerEmail is the email of the partner organisation's directory entry, or "".
func (s *Service) partnerEmail(ctx context.Context, org string) string {
	var o struct {
		Email string `json:"email"`
	}
	d, err := s.o.Store.Get(ctx, plugins.KindOrganization, org)
	if err != nil || s.decodeDoc(d, &o) != nil {
		return ""
	}
	return o.Email
}

func orDash(s string) string {
	if s == "" {
		return "Someone"
	}
	return s
}

func needLabels(ns []socialrx.Need) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strings.ToLower(n.Label())
	}
	return strings.Join(out, ", ")
}
