package host

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// DefaultLease is how long a worker holds outbox messages or due
// documents before another worker (or the same host after a crash) may
// take them over; Options.Lease overrides it.
const DefaultLease = time.Minute

// The defaults of [RetryPolicy]: with them a message is retried for about
// four to eight days (the 40th attempt comes between 3.9 and 7.9 days
// after the first) before it is dead-lettered, enough to outlast a
// partner's mail server being down for most of a week.
const (
	DefaultRetryBase   = time.Minute
	DefaultRetryMax    = 6 * time.Hour
	DefaultMaxAttempts = 40
)

// RetryPolicy is how the outbox worker retries a failed delivery:
// exponential backoff with jitter, and a cap on attempts after which the
// message is dead-lettered for an admin to inspect and re-drive.
type RetryPolicy struct {
	// Base is the wait after the first failure, doubled after each further
	// one; default DefaultRetryBase.
	Base time.Duration
	// Max caps the wait (raised to Base if below it); default DefaultRetryMax.
	Max time.Duration
	// MaxAttempts is how many failed attempts dead-letter a message;
	// default DefaultMaxAttempts.
	MaxAttempts int
	// Rand returns a number in [0, 1) for the jitter; nil means
	// math/rand/v2's Float64. Tests fix it.
	Rand func() float64
}

// withDefaults fills the fields left zero.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Base <= 0 {
		p.Base = DefaultRetryBase
	}
	if p.Max <= 0 {
		p.Max = DefaultRetryMax
	}
	p.Max = max(p.Max, p.Base)
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// Backoff is the wait after failed attempt n (1-based): d = Base·2^(n-1),
// at most Max, of which the first half is always waited and the second
// half at random ("equal jitter"), so that hosts retrying after one
// outage spread out, yet none retries much sooner than planned.
func (p RetryPolicy) Backoff(n int) time.Duration {
	p = p.withDefaults()
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	return d/2 + time.Duration(p.Rand()*float64(d/2))
}

// DeliverOutbox leases up to n due outbox messages under the worker name
// owner and delivers each through its plugin: acknowledged when sent,
// retried later by the [RetryPolicy] when not, and dead-lettered when its
// last allowed attempt fails. A message a plugin refuses as forbidden (the
// person asked not to be contacted) is acknowledged as handled and not
// retried. Because each carries its idempotency key to the plugin, a
// message redelivered after a crash is not sent twice. It returns how
// many were delivered. Codes: unavailable (the store).
func (s *Service) DeliverOutbox(ctx context.Context, owner string, n int) (int, error) {
	now := s.now()
	lease := plugins.Lease{Owner: owner, Until: now.Add(s.o.Lease)}
	msgs, err := s.o.Store.LeaseOutbox(ctx, lease, now, n)
	if err != nil {
		return 0, err
	}
	delivered := 0
	for _, m := range msgs {
		err := s.deliver(ctx, m)
		switch socialrx.ErrorCode(err) {
		case "":
			delivered++
			err = s.o.Store.AckOutbox(ctx, m.ID, lease, s.now())
		case socialrx.CodeForbidden:
			s.o.Logger.Warn("outbox message refused; not retried", "id", m.ID, "key", m.IdempotencyKey, "err", err)
			err = s.o.Store.AckOutbox(ctx, m.ID, lease, s.now())
		default:
			attempt := m.Attempts + 1
			if attempt >= s.o.Retry.MaxAttempts {
				s.o.Logger.Error("outbox delivery failed for the last time; dead-lettered for an admin to re-drive", "id", m.ID, "key", m.IdempotencyKey, "attempt", attempt, "err", err)
				last := err.Error()
				if err = s.o.Store.DeadLetterOutbox(ctx, m.ID, lease, last, s.now()); socialrx.ErrorCode(err) == socialrx.CodeInternal {
					// A store plugin built before dead letters cannot keep
					// one: the message stays queued and is retried.
					s.o.Logger.Warn("the store cannot dead-letter (a plugin older than this host?); the message stays queued", "id", m.ID, "err", err)
					err = s.o.Store.NackOutbox(ctx, m.ID, lease, last, s.now().Add(s.o.Retry.Backoff(attempt)))
				}
				break
			}
			s.o.Logger.Warn("outbox delivery failed; will retry", "id", m.ID, "key", m.IdempotencyKey, "attempt", attempt, "err", err)
			err = s.o.Store.NackOutbox(ctx, m.ID, lease, err.Error(), s.now().Add(s.o.Retry.Backoff(attempt)))
		}
		if err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

func (s *Service) deliver(ctx context.Context, m plugins.OutboxMessage) error {
	switch m.Target {
	case "messenger":
		if s.o.Messenger == nil {
			return socialrx.Errorf(socialrx.CodeUnavailable, "no messenger plugin is configured")
		}
		var msg plugins.Message
		if err := json.Unmarshal(m.Payload, &msg); err != nil {
			return socialrx.Errorf(socialrx.CodeInternal, "outbox message %s: %v", m.ID, err)
		}
		_, err := s.o.Messenger.Send(ctx, msg)
		return err
	case "clinical":
		if s.o.Clinical == nil {
			return socialrx.Errorf(socialrx.CodeUnavailable, "no clinical system plugin is configured")
		}
		var ce plugins.CodedEvent
		if err := json.Unmarshal(m.Payload, &ce); err != nil {
			return socialrx.Errorf(socialrx.CodeInternal, "outbox message %s: %v", m.ID, err)
		}
		_, err := s.o.Clinical.RecordEvent(ctx, ce)
		return err
	}
	return socialrx.Errorf(socialrx.CodeInternal, "outbox message %s has unknown target %q", m.ID, m.Target)
}

// RunScheduler leases up to n documents of each kind whose due time has
// passed and queues what has fallen due: check-in reminders for signposts
// (when due, and again when overdue), chasers for partners that have not
// acted on an onward referral, and reminders of follow-up measures; and, at
// most hourly, it erases the personal data of up to n referrals closed or
// declined longer ago than the retention period (Options.RetentionMonths),
// each with an audit entry. Each reminder is marked sent in the
// document in the same compare-and-swap write that queues it, and leases
// keep two hosts off the same document, so none is queued twice. It
// returns how many documents it handled. Codes: unavailable.
func (s *Service) RunScheduler(ctx context.Context, owner string, n int) (int, error) {
	now := s.now()
	lease := plugins.Lease{Owner: owner, Until: now.Add(s.o.Lease)}
	handled := 0
	docs, err := s.o.Store.LeaseDue(ctx, plugins.KindReferral, lease, now, n)
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		var r referral.Referral
		if err := s.writable(d); err != nil {
			s.o.Logger.Warn("scheduler leaves a document a newer host wrote to a newer host", "kind", d.Kind, "id", d.ID, "err", err)
			continue
		}
		if err := s.decodeDoc(d, &r); err != nil {
			return handled, err
		}
		due, _ := r.Reminders(now)
		var out []plugins.OutboxMessage
		for _, rm := range due {
			sp := signpostOf(&r, rm.SignpostID)
			kind := "due"
			if rm.Overdue {
				kind = "overdue"
			}
			if err := r.MarkReminded(rm, now); err != nil {
				return handled, err
			}
			out = append(out, message(fmt.Sprintf("checkin:%s:%s:%s", r.ID, sp.ID, kind), plugins.Message{To: s.o.Team, Channel: plugins.ChannelEmail,
				Event: "signpost.check_in_" + kind, Subject: "Check-in " + kind,
				Body: fmt.Sprintf("The check-in on signpost %s (service %s) of referral %s is %s (due %s, by %s).", sp.ID, sp.ServiceID, r.ID, kind, sp.CheckInDue, sp.CheckInBy)}))
		}
		if err := s.rescheduled(ctx, s.referralDoc(&r, d.Team), dropTeam(out)); err != nil {
			return handled, err
		}
		handled++
	}
	docs, err = s.o.Store.LeaseDue(ctx, plugins.KindOnwardReferral, lease, now, n)
	if err != nil {
		return handled, err
	}
	for _, d := range docs {
		var o referral.OnwardReferral
		if err := s.writable(d); err != nil {
			s.o.Logger.Warn("scheduler leaves a document a newer host wrote to a newer host", "kind", d.Kind, "id", d.ID, "err", err)
			continue
		}
		if err := s.decodeDoc(d, &o); err != nil {
			return handled, err
		}
		due, _ := o.ChasesDue(now, s.o.Policy)
		var out []plugins.OutboxMessage
		email := s.partnerEmail(ctx, o.Partner)
		for l := o.Chased + 1; l <= o.Chased+due; l++ {
			key := fmt.Sprintf("chase:%s:%d", o.ID, l)
			body := fmt.Sprintf("Onward referral %s to service %s was sent on %s and has had no answer. Please accept or reject it.", o.ID, o.ServiceID, o.RequestedAt.Format("2 January 2006"))
			if email != "" {
				out = append(out, message(key+":partner", plugins.Message{To: plugins.Recipient{Role: plugins.RolePartner, ID: o.Partner, Address: email},
					Channel: plugins.ChannelEmail, Event: "onward_referral.overdue", Subject: "Reminder: a referral is waiting for you", Body: body}))
			}
			out = append(out, message(key+":team", plugins.Message{To: s.o.Team, Channel: plugins.ChannelEmail, Event: "onward_referral.overdue",
				Subject: fmt.Sprintf("Partner has not acted (reminder %d)", l), Body: body}))
		}
		o.MarkChased(o.Chased + due)
		if err := s.rescheduled(ctx, s.onwardDoc(&o, d.Person, d.Team), dropTeam(out)); err != nil {
			return handled, err
		}
		handled++
	}
	m, err := s.remindFollowUps(ctx, lease, now, n)
	if err != nil {
		return handled + m, err
	}
	r, err := s.applyRetention(ctx, now, n)
	return handled + m + r, err
}

func signpostOf(r *referral.Referral, id string) referral.Signpost {
	for _, sp := range r.Signposts {
		if sp.ID == id {
			return sp
		}
	}
	return referral.Signpost{}
}

// rescheduled stores a due document with the reminders it marked sent,
// its next due time and the messages it queued. A conflict means someone
// changed the document meanwhile; its new state carries its own due time,
// and the next run sees it.
func (s *Service) rescheduled(ctx context.Context, nd plugins.Document, out []plugins.OutboxMessage) error {
	_, err := s.o.Store.Update(ctx, plugins.Write{Document: nd, Outbox: s.stamp(out)})
	if socialrx.ErrorCode(err) == socialrx.CodeConflict {
		s.o.Logger.Info("scheduler lost a race; will look again", "kind", nd.Kind, "id", nd.ID)
		return nil
	}
	return err
}

// dropTeam leaves out messages with no address (no team inbox configured).
func dropTeam(out []plugins.OutboxMessage) []plugins.OutboxMessage {
	kept := out[:0]
	for _, m := range out {
		var msg plugins.Message
		if json.Unmarshal(m.Payload, &msg) == nil && msg.Channel != plugins.ChannelEvent && msg.To.Address == "" {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// dueAt is a document's due time: now if something is due already, else
// when the next thing falls due, else none.
func dueAt(dueNow bool, next *time.Time, now time.Time) *time.Time {
	if dueNow {
		return &now
	}
	return next
}
