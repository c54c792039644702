package host

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// onwardDoc is the stored document of an onward referral. Person is the
// referral's person key, so a person's onward referrals can be listed.
func (s *Service) onwardDoc(o *referral.OnwardReferral, person string) plugins.Document {
	d := plugins.Document{Kind: plugins.KindOnwardReferral, ID: o.ID, Version: o.Version, Status: string(o.Status),
		Owner: o.RequestedBy, Partner: o.Partner, Person: person, Data: mustJSON(o)}
	due, next := o.ChasesDue(s.now(), s.o.Policy)
	d.DueAt = dueAt(due > 0, next, s.now())
	return d
}

// onwardOutbox is what onward referral events cause: a bus event for each
// and, for the request, the partner's minimal view by email when the
// partner organisation's directory entry has an address (else the partner
// reads it over the API); for the partner's
// answers, a note to the link worker team.
func (s *Service) onwardOutbox(o *referral.OnwardReferral, from int, partnerEmail string) []plugins.OutboxMessage {
	var out []plugins.OutboxMessage
	for i := from; i < len(o.History); i++ {
		e := o.History[i]
		key := fmt.Sprintf("onward:%s:%d", o.ID, i)
		out = append(out, event(key+":event", "onward_referral."+string(e.To), map[string]any{
			"onward_referral_id": o.ID, "referral_id": o.ReferralID, "service_id": o.ServiceID, "partner": o.Partner, "status": e.To, "reason": e.Reason, "at": e.At}))
		switch e.To {
		case referral.TaskRequested:
			if partnerEmail != "" {
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
				out = append(out, message(key+":partner", plugins.Message{To: plugins.Recipient{Role: plugins.RolePartner, ID: o.Partner, Address: partnerEmail},
					Channel: plugins.ChannelEmail, Event: "onward_referral.requested", Subject: "New referral for " + o.ServiceID, Body: body}))
			}
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
// service and queues the partner's minimal view for them. Link workers and
// admins may. Codes: forbidden (also when the person has not consented to
// sharing), not_found, invalid, unavailable.
func (s *Service) CreateOnwardReferral(ctx context.Context, p Principal, referralID string, in OnwardRequest, idempotencyKey string) (*referral.OnwardReferral, error) {
	if err := forbid(p, "make onward referrals", staff...); err != nil {
		return nil, err
	}
	r, d, err := s.loadReferral(ctx, referralID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	o, err := referral.NewOnwardReferral(&r, in.ServiceID, in.Partner, in.Needs, p.Actor(), now, now, in.Note)
	if err != nil {
		return nil, err
	}
	o.ID = newID()
	var stored referral.OnwardReferral
	err = s.create(ctx, p, idempotencyKey, []any{referralID, in.ServiceID, in.Partner, in.Needs, in.Note}, plugins.Write{Document: s.onwardDoc(o, d.Person),
		Events: taskEvents(o, 0), Outbox: s.onwardOutbox(o, 0, s.partnerEmail(ctx, in.Partner))}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

func taskEvents(o *referral.OnwardReferral, from int) []plugins.Event {
	var out []plugins.Event
	for _, e := range o.History[from:] {
		out = append(out, plugins.Event{Type: "onward_referral." + string(e.To), Actor: e.Actor.ID, At: e.At, Data: mustJSON(e)})
	}
	return out
}

// mayActOnOnward lets link workers and admins act on any onward referral
// and a partner only on those addressed to its organisation.
func mayActOnOnward(p Principal, d plugins.Document) error {
	if err := forbid(p, "act on onward referrals", referral.RoleAdmin, referral.RoleLinkWorker, referral.RolePartner); err != nil {
		return err
	}
	if p.Role == referral.RolePartner && (p.Organisation == "" || p.Organisation != d.Partner) {
		return socialrx.Errorf(socialrx.CodeForbidden, "onward referral %s is not addressed to %s", d.ID, p.Organisation)
	}
	return nil
}

// GetOnwardReferral returns an onward referral: to its partner, link
// workers and admins. It holds only the partner view of the person.
// Codes: forbidden, not_found, unavailable.
func (s *Service) GetOnwardReferral(ctx context.Context, p Principal, id string) (*referral.OnwardReferral, error) {
	d, err := s.o.Store.Get(ctx, plugins.KindOnwardReferral, id)
	if err != nil {
		return nil, err
	}
	if err := mayActOnOnward(p, d); err != nil {
		return nil, err
	}
	var o referral.OnwardReferral
	if err := decodeDoc(d, &o); err != nil {
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
// the next page: a partner's own only; link workers and admins may filter
// by partner and status. Codes: forbidden, invalid, unavailable.
func (s *Service) ListOnwardReferrals(ctx context.Context, p Principal, q OnwardQuery) ([]referral.OnwardReferral, string, error) {
	if err := forbid(p, "list onward referrals", referral.RoleAdmin, referral.RoleLinkWorker, referral.RolePartner); err != nil {
		return nil, "", err
	}
	partner := q.Partner
	if p.Role == referral.RolePartner {
		partner = p.Organisation
	}
	if q.Status != "" && !socialrx.ValidEnum(q.Status) {
		return nil, "", socialrx.Invalid(socialrx.Field("/status", "unknown status %q", string(q.Status)))
	}
	pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindOnwardReferral, Partner: partner, Status: string(q.Status), Cursor: q.Cursor, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]referral.OnwardReferral, len(pg.Documents))
	for i, d := range pg.Documents {
		if err := decodeDoc(d, &out[i]); err != nil {
			return nil, "", err
		}
	}
	if err := s.audit(ctx, p, "list", plugins.KindOnwardReferral, "partner="+partner); err != nil {
		return nil, "", err
	}
	return out, pg.Next, nil
}

// UpdateOnwardReferral loads the target onward referral, checks the
// principal may act on it, applies fn and stores the result with its
// events and messages in one compare-and-swap write. Codes: forbidden,
// not_found, conflict, invalid, unavailable.
func (s *Service) UpdateOnwardReferral(ctx context.Context, p Principal, t Target, what string, fn func(o *referral.OnwardReferral, now time.Time) error) (*referral.OnwardReferral, error) {
	return updateDoc(ctx, s, p, plugins.KindOnwardReferral, t, what, func(d plugins.Document) error { return mayActOnOnward(p, d) },
		func(o *referral.OnwardReferral, d plugins.Document, now time.Time) (plugins.Write, error) {
			from := len(o.History)
			if err := fn(o, now); err != nil {
				return plugins.Write{}, err
			}
			return plugins.Write{Document: s.onwardDoc(o, d.Person), Events: taskEvents(o, from), Outbox: s.onwardOutbox(o, from, "")}, nil
		})
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
	if err != nil || json.Unmarshal(d.Data, &o) != nil {
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
