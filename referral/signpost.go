package referral

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// Policy holds the service's configurable timings. The zero Policy means
// the defaults ([DefaultPolicy]).
type Policy struct {
	// CheckInAfterDays is when a signpost check-in falls due (default 28: 4 weeks).
	CheckInAfterDays int `json:"check_in_after_days,omitempty"`
	// CheckInByDays is when a missed check-in becomes overdue (default 42: 6 weeks).
	CheckInByDays int `json:"check_in_by_days,omitempty"`
	// ChaseWorkingDays are the working days after which a partner that has
	// not acted on an onward referral is chased (default 6, then 9).
	ChaseWorkingDays []int `json:"chase_working_days,omitempty"`
	// Holidays are dates that are not working days (bank holidays).
	Holidays []socialrx.Date `json:"holidays,omitempty"`
}

// DefaultPolicy returns the default timings: check in after 4 weeks, by 6
// weeks; chase partners after 6 and 9 working days.
func DefaultPolicy() Policy {
	return Policy{CheckInAfterDays: 28, CheckInByDays: 42, ChaseWorkingDays: []int{6, 9}}
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.CheckInAfterDays <= 0 {
		p.CheckInAfterDays = d.CheckInAfterDays
	}
	if p.CheckInByDays < p.CheckInAfterDays {
		p.CheckInByDays = max(d.CheckInByDays, p.CheckInAfterDays)
	}
	if len(p.ChaseWorkingDays) == 0 {
		p.ChaseWorkingDays = d.ChaseWorkingDays
	}
	return p
}

// CheckInResult is what a check-in after a signpost found.
type CheckInResult string

// The check-in results.
const (
	CheckInStillGoing    CheckInResult = "attending"
	CheckInWentStopped   CheckInResult = "attended_then_stopped"
	CheckInNotAttended   CheckInResult = "not_attended"
	CheckInNotSuitable   CheckInResult = "not_suitable"
	CheckInNoContact     CheckInResult = "could_not_contact"
	CheckInNeedsReferral CheckInResult = "needs_onward_referral"
)

var checkInResults = []CheckInResult{CheckInStillGoing, CheckInWentStopped, CheckInNotAttended, CheckInNotSuitable, CheckInNoContact, CheckInNeedsReferral}

// EnumValues lists the check-in results, for JSON Schema.
func (CheckInResult) EnumValues() []string { return socialrx.EnumStrings(checkInResults) }

// CheckIn is the result of checking in with the person after a signpost.
type CheckIn struct {
	At     time.Time     `json:"at"`
	By     string        `json:"by" jsonschema:"maxLength=128"`
	Result CheckInResult `json:"result"`
	Note   string        `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// Signpost is light-touch support: the person is told about a directory
// service and goes on their own; the link worker checks in later.
type Signpost struct {
	// ID is a UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID names the directory service.
	ServiceID string `json:"service_id" jsonschema:"minLength=1,maxLength=128"`
	// GivenAt is when the person was signposted.
	GivenAt time.Time `json:"given_at"`
	// GivenBy is the link worker.
	GivenBy string `json:"given_by" jsonschema:"maxLength=128"`
	// Note says what was agreed.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
	// CheckInDue is when the check-in falls due.
	CheckInDue socialrx.Date `json:"check_in_due"`
	// CheckInBy is when a missed check-in becomes overdue.
	CheckInBy socialrx.Date `json:"check_in_by"`
	// CheckIn is the check-in's result, once done.
	CheckIn *CheckIn `json:"check_in,omitempty"`
	// RemindedDue and RemindedOverdue are when the link worker was
	// reminded that the check-in fell due and became overdue.
	RemindedDue     *time.Time `json:"reminded_due,omitempty"`
	RemindedOverdue *time.Time `json:"reminded_overdue,omitempty"`
}

// Signpost records a signpost to a directory service and returns it, with
// its check-in dates from the policy. Codes: forbidden (not a link worker
// or admin), invalid (no service, a referral that is not accepted or
// active, a bad time, [MaxSignposts] signposts already, "/signposts", or a
// full history, "/history").
func (r *Referral) Signpost(serviceID string, by Actor, at, now time.Time, note string, p Policy) (Signpost, error) {
	if !mayChangeStatus(by) {
		return Signpost{}, socialrx.Errorf(socialrx.CodeForbidden, "a %q actor may not signpost", by.Role)
	}
	var errs []socialrx.FieldError
	if strings.TrimSpace(serviceID) == "" {
		errs = append(errs, socialrx.Field("/service_id", "required"))
	}
	if r.Status != StatusAccepted && r.Status != StatusActive {
		errs = append(errs, socialrx.Field("/status", "a %s referral cannot be signposted; it must be accepted or active", r.Status))
	}
	errs = append(errs, r.checkWhen("/given_at", at, now)...)
	errs = append(errs, full("/signposts", len(r.Signposts), MaxSignposts, "signposts")...)
	errs = append(errs, r.historyFull(false)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return Signpost{}, err
	}
	p = p.withDefaults()
	d := socialrx.DateOf(at.UTC())
	s := Signpost{ID: uuid.NewString(), ServiceID: serviceID, GivenAt: at.UTC(), GivenBy: by.ID, Note: note,
		CheckInDue: d.AddDays(p.CheckInAfterDays), CheckInBy: d.AddDays(p.CheckInByDays)}
	r.Signposts = append(r.Signposts, s)
	r.History = append(r.History, Event{Type: EventSignpost, At: s.GivenAt, Actor: by, From: r.Status, To: r.Status, Episode: r.Episode, Signpost: s.ID, Note: serviceID})
	return s, nil
}

// RecordCheckIn records the result of a signpost's check-in. Codes:
// forbidden, not_found (no such signpost), invalid (unknown result, already
// checked in, a bad time, a full history).
func (r *Referral) RecordCheckIn(signpostID string, res CheckInResult, by Actor, at, now time.Time, note string) error {
	if !mayChangeStatus(by) {
		return socialrx.Errorf(socialrx.CodeForbidden, "a %q actor may not record a check-in", by.Role)
	}
	i := -1
	for j := range r.Signposts {
		if r.Signposts[j].ID == signpostID {
			i = j
		}
	}
	if i < 0 {
		return socialrx.Errorf(socialrx.CodeNotFound, "no signpost %q on referral %s", signpostID, r.ID)
	}
	p := path("/signposts", i) + "/check_in"
	var errs []socialrx.FieldError
	if !socialrx.ValidEnum(res) {
		errs = append(errs, socialrx.Field(p+"/result", "unknown check-in result %q", string(res)))
	}
	if r.Signposts[i].CheckIn != nil {
		errs = append(errs, socialrx.Field(p, "already recorded"))
	}
	errs = append(errs, r.checkWhen(p+"/at", at, now)...)
	errs = append(errs, r.historyFull(false)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	r.Signposts[i].CheckIn = &CheckIn{At: at.UTC(), By: by.ID, Result: res, Note: note}
	r.History = append(r.History, Event{Type: EventCheckIn, At: at.UTC(), Actor: by, From: r.Status, To: r.Status, Episode: r.Episode, Signpost: signpostID, Note: string(res)})
	return nil
}

// DueCheckIns returns the signposts whose check-in is due on or before the
// date of now and not yet done, with whether each is overdue.
func (r *Referral) DueCheckIns(now time.Time) (due []Signpost, overdue []bool) {
	today := socialrx.DateOf(now.UTC())
	for _, s := range r.Signposts {
		if s.CheckIn == nil && !s.CheckInDue.After(today) {
			due = append(due, s)
			overdue = append(overdue, today.After(s.CheckInBy))
		}
	}
	return due, overdue
}

// Reminder is a check-in reminder that has fallen due and not been sent.
type Reminder struct {
	SignpostID string `json:"signpost_id"`
	// Overdue is false for "the check-in is due" and true for "it is overdue".
	Overdue bool `json:"overdue"`
}

// Reminders returns the check-in reminders that have fallen due by now and
// have not been marked sent, and when the next one falls due (nil if none
// will). A reminder falls due on the check-in date and, if still not done,
// again the day after the check-in-by date.
func (r *Referral) Reminders(now time.Time) (due []Reminder, next *time.Time) {
	if !r.Open() {
		return nil, nil
	}
	today := socialrx.DateOf(now.UTC())
	for _, s := range r.Signposts {
		if s.CheckIn != nil {
			continue
		}
		for _, rm := range []struct {
			on   socialrx.Date
			sent *time.Time
			over bool
		}{{s.CheckInDue, s.RemindedDue, false}, {s.CheckInBy.AddDays(1), s.RemindedOverdue, true}} {
			switch {
			case rm.sent != nil:
			case !rm.on.After(today):
				due = append(due, Reminder{SignpostID: s.ID, Overdue: rm.over})
			default:
				if t := rm.on.Time(); next == nil || t.Before(*next) {
					next = &t
				}
			}
		}
	}
	return due, next
}

// MarkReminded records that a reminder was sent, so it is not sent again.
// Codes: not_found (no such signpost).
func (r *Referral) MarkReminded(rm Reminder, at time.Time) error {
	for i := range r.Signposts {
		if s := &r.Signposts[i]; s.ID == rm.SignpostID {
			t := at.UTC()
			if rm.Overdue {
				s.RemindedOverdue = &t
			} else {
				s.RemindedDue = &t
			}
			return nil
		}
	}
	return socialrx.Errorf(socialrx.CodeNotFound, "no signpost %q on referral %s", rm.SignpostID, r.ID)
}
