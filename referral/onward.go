package referral

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// TaskStatus is where an onward referral is in the closed loop, after the
// FHIR Task statuses of the HL7 Gravity SDOH Clinical Care workflow:
//
//	requested → accepted | rejected | cancelled | entered_in_error
//	accepted → in_progress | on_hold | completed | failed | cancelled
//	in_progress → on_hold | completed | failed | cancelled
//	on_hold → in_progress | completed | failed | cancelled
//
// The partner (the recipient) sets accepted, rejected, in_progress,
// on_hold, completed and failed; the link worker (the requester) sets
// entered_in_error; either may cancel.
type TaskStatus string

// The onward referral statuses.
const (
	TaskRequested      TaskStatus = "requested"
	TaskAccepted       TaskStatus = "accepted"
	TaskRejected       TaskStatus = "rejected"
	TaskInProgress     TaskStatus = "in_progress"
	TaskOnHold         TaskStatus = "on_hold"
	TaskCompleted      TaskStatus = "completed"
	TaskFailed         TaskStatus = "failed"
	TaskCancelled      TaskStatus = "cancelled"
	TaskEnteredInError TaskStatus = "entered_in_error"
)

var taskStatuses = []TaskStatus{TaskRequested, TaskAccepted, TaskRejected, TaskInProgress, TaskOnHold, TaskCompleted, TaskFailed, TaskCancelled, TaskEnteredInError}

// EnumValues lists the task statuses, for JSON Schema.
func (TaskStatus) EnumValues() []string { return socialrx.EnumStrings(taskStatuses) }

// Final reports whether no further change is possible.
func (s TaskStatus) Final() bool { return len(taskTransitions[s]) == 0 }

var taskTransitions = map[TaskStatus][]TaskStatus{
	TaskRequested:  {TaskAccepted, TaskRejected, TaskCancelled, TaskEnteredInError},
	TaskAccepted:   {TaskInProgress, TaskOnHold, TaskCompleted, TaskFailed, TaskCancelled},
	TaskInProgress: {TaskOnHold, TaskCompleted, TaskFailed, TaskCancelled},
	TaskOnHold:     {TaskInProgress, TaskCompleted, TaskFailed, TaskCancelled},
}

// CanTransitionTask reports whether the closed loop allows from → to.
func CanTransitionTask(from, to TaskStatus) bool {
	for _, s := range taskTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// RejectReason says why a partner rejected an onward referral, or why it
// was cancelled.
type RejectReason string

// The reject reasons.
const (
	RejectNoCapacity  RejectReason = "no_capacity"
	RejectNotEligible RejectReason = "not_eligible"
	RejectNotSuitable RejectReason = "not_suitable"
	// CancelConsentWithdrawn: the person withdrew consent to share their
	// details with partners, so the onward referral was cancelled.
	CancelConsentWithdrawn RejectReason = "consent_withdrawn"
)

var (
	rejectReasons = []RejectReason{RejectNoCapacity, RejectNotEligible, RejectNotSuitable}
	taskReasons   = append(slices.Clone(rejectReasons), CancelConsentWithdrawn)
)

// EnumValues lists the reject and cancel reasons, for JSON Schema.
func (RejectReason) EnumValues() []string { return socialrx.EnumStrings(taskReasons) }

// TaskEvent is one change of an onward referral.
type TaskEvent struct {
	At     time.Time    `json:"at"`
	Actor  Actor        `json:"actor"`
	From   TaskStatus   `json:"from,omitempty"`
	To     TaskStatus   `json:"to"`
	Reason RejectReason `json:"reason,omitempty"`
	Note   string       `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// Attendance is one session the partner says the person attended or missed.
type Attendance struct {
	Date       socialrx.Date `json:"date"`
	Attended   bool          `json:"attended"`
	Note       string        `json:"note,omitempty" jsonschema:"maxLength=1000"`
	RecordedBy string        `json:"recorded_by" jsonschema:"maxLength=128"`
	RecordedAt time.Time     `json:"recorded_at"`
}

// Feedback is what a partner or link worker said about how it went.
type Feedback struct {
	At   time.Time `json:"at"`
	By   Actor     `json:"by"`
	Text string    `json:"text" jsonschema:"minLength=1,maxLength=4000"`
}

// OnwardReferral is a referral from the link worker to a partner
// organisation's service, and the loop the partner closes by reporting
// back. It carries only the partner view of the person.
type OnwardReferral struct {
	// ID is a UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// Version counts stored changes; the store sets it.
	Version int64 `json:"version,omitempty" jsonschema:"minimum=0"`
	// ReferralID is the referral it came from.
	ReferralID string `json:"referral_id" jsonschema:"format=uuid"`
	// ServiceID is the directory service it is addressed to.
	ServiceID string `json:"service_id" jsonschema:"minLength=1,maxLength=128"`
	// Partner is the id of the organisation that runs the service; only
	// its people may act on the onward referral.
	Partner string `json:"partner" jsonschema:"minLength=1,maxLength=128"`
	// Status is where the loop stands.
	Status TaskStatus `json:"status"`
	// RejectReason is why the partner rejected it.
	RejectReason RejectReason `json:"reject_reason,omitempty"`
	// RequestedAt is when it was sent.
	RequestedAt time.Time `json:"requested_at"`
	// RequestedBy is the link worker who sent it.
	RequestedBy string `json:"requested_by" jsonschema:"maxLength=128"`
	// View is all the partner may see of the person.
	View PartnerView `json:"view"`
	// Attendance is what the partner reported, session by session.
	Attendance []Attendance `json:"attendance,omitempty"`
	// Feedback is what the partner and link worker said.
	Feedback []Feedback `json:"feedback,omitempty"`
	// History is every status change, oldest first.
	History []TaskEvent `json:"history"`
	// Chased counts the reminders sent to the partner while it had not acted.
	Chased int `json:"chased,omitempty" jsonschema:"minimum=0"`
}

// NewOnwardReferral refers the person on to a partner's service. The
// referral must be accepted or active and the share-with-partners consent
// given and not withdrawn; the onward referral carries the partner view
// built from it. needs are what the person wants help with there (nil
// means the referral's needs). Codes: forbidden (not a link worker or
// admin, or no consent to share), invalid (bad fields or referral status).
func NewOnwardReferral(r *Referral, serviceID, partner string, needs []socialrx.Need, by Actor, at, now time.Time, note string) (*OnwardReferral, error) {
	if !mayChangeStatus(by) {
		return nil, socialrx.Errorf(socialrx.CodeForbidden, "a %q actor may not make onward referrals", by.Role)
	}
	if !r.Consents.ShareWithPartners.Active() {
		return nil, &socialrx.Error{Code: socialrx.CodeForbidden,
			Message: "the person has not given (or has withdrawn) consent to share with partners",
			Fields:  []socialrx.FieldError{socialrx.Field("/consents/share_with_partners/given", "consent to share with partners is required for an onward referral")}}
	}
	if needs == nil {
		needs = r.Needs
	}
	var errs []socialrx.FieldError
	if strings.TrimSpace(serviceID) == "" {
		errs = append(errs, socialrx.Field("/service_id", "required"))
	}
	if strings.TrimSpace(partner) == "" {
		errs = append(errs, socialrx.Field("/partner", "required"))
	}
	if len(needs) == 0 {
		errs = append(errs, socialrx.Field("/view/needs", "at least one need is required"))
	}
	errs = append(errs, socialrx.CheckNeeds("/view/needs", needs)...)
	if r.Status != StatusAccepted && r.Status != StatusActive {
		errs = append(errs, socialrx.Field("/status", "a %s referral cannot be referred on; it must be accepted or active", r.Status))
	}
	errs = append(errs, r.checkWhen("/requested_at", at, now)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return nil, err
	}
	v := PartnerViewOf(r)
	v.Needs = append([]socialrx.Need(nil), needs...)
	v.Note = note
	return &OnwardReferral{
		ID: uuid.NewString(), ReferralID: r.ID, ServiceID: serviceID, Partner: partner,
		Status: TaskRequested, RequestedAt: at.UTC(), RequestedBy: by.ID, View: v,
		History: []TaskEvent{{At: at.UTC(), Actor: by, To: TaskRequested, Note: note}},
	}, nil
}

// RefreshView sets what the partner sees of the person from the referral's
// consents as they are now, keeping the needs and the link worker's note
// the onward referral was made with: without an active share-with-partners
// consent the partner sees the needs only (not even the note, which may
// name the person), and the full details only under full scope. Every read
// and every message to a partner is made from a refreshed view.
func (o *OnwardReferral) RefreshView(r *Referral) {
	v := PartnerViewOf(r)
	v.Needs = o.View.Needs
	if v.Name != "" || v.ContactMethod != "" {
		v.Note = o.View.Note
	}
	o.View = v
}

// Withdraw applies the withdrawal of the person's consent to share with
// partners, or to be referred at all: the view shrinks to the needs and an
// open onward referral
// (requested, accepted, in progress or on hold) is cancelled with reason
// consent_withdrawn; a finished one keeps its status. It reports whether it
// cancelled. Codes: forbidden (an actor who may not cancel), invalid (a bad
// time).
func (o *OnwardReferral) Withdraw(r *Referral, by Actor, at, now time.Time) (cancelled bool, err error) {
	o.RefreshView(r)
	if o.Status.Final() {
		return false, nil
	}
	err = o.Transition(by, TaskCancelled, CancelConsentWithdrawn, "the person withdrew their consent to share their details", at, now)
	return err == nil, err
}

// authorise checks the actor may act on this onward referral at all: a
// partner only on onward referrals addressed to their organisation.
func (o *OnwardReferral) authorise(by Actor) error {
	switch by.Role {
	case RoleAdmin, RoleLinkWorker, RoleSystem:
	case RolePartner:
		if by.Organisation == "" || by.Organisation != o.Partner {
			return socialrx.Errorf(socialrx.CodeForbidden, "partner organisation %q does not own onward referral %s", by.Organisation, o.ID)
		}
	default:
		return socialrx.Errorf(socialrx.CodeForbidden, "a %q actor may not act on onward referrals", by.Role)
	}
	if by.ID == "" {
		return socialrx.Errorf(socialrx.CodeForbidden, "the actor has no id")
	}
	return nil
}

// recipientOnly are the statuses only the partner (or an admin) may set.
var recipientOnly = map[TaskStatus]bool{TaskAccepted: true, TaskRejected: true, TaskInProgress: true, TaskOnHold: true, TaskCompleted: true, TaskFailed: true}

func (o *OnwardReferral) checkWhen(p string, at, now time.Time) []socialrx.FieldError {
	switch {
	case at.IsZero():
		return []socialrx.FieldError{socialrx.Field(p, "a time is required")}
	case at.After(now):
		return []socialrx.FieldError{socialrx.Field(p, "must not be in the future")}
	case len(o.History) > 0 && at.Before(o.History[len(o.History)-1].At):
		return []socialrx.FieldError{socialrx.Field(p, "must not be before the last recorded event")}
	}
	return nil
}

// Transition moves the onward referral to status to and appends an event.
// A rejection needs a reason. Codes: forbidden (another partner's onward
// referral; a link worker setting a status only the partner may set, or a
// partner setting entered_in_error), invalid (a transition the loop does
// not allow — naming from and to —, a missing or stray reason, a bad time,
// a full history: "/history"; a change to a final status may take the
// last place).
func (o *OnwardReferral) Transition(by Actor, to TaskStatus, reason RejectReason, note string, at, now time.Time) error {
	if err := o.authorise(by); err != nil {
		return err
	}
	if by.Role == RoleLinkWorker && recipientOnly[to] {
		return socialrx.Errorf(socialrx.CodeForbidden, "only the partner may set an onward referral to %s", to)
	}
	if by.Role == RolePartner && to == TaskEnteredInError {
		return socialrx.Errorf(socialrx.CodeForbidden, "only the requester may set an onward referral to %s", to)
	}
	var errs []socialrx.FieldError
	if !CanTransitionTask(o.Status, to) {
		errs = append(errs, socialrx.Field("/status", "cannot move from %s to %s", o.Status, to))
	}
	switch {
	case to == TaskRejected && !slices.Contains(rejectReasons, reason):
		errs = append(errs, socialrx.Field("/reject_reason", "rejecting needs one of no_capacity, not_eligible, not_suitable; got %q", string(reason)))
	case to == TaskCancelled && reason != "" && reason != CancelConsentWithdrawn:
		errs = append(errs, socialrx.Field("/reject_reason", "a cancellation takes no reason, or consent_withdrawn; got %q", string(reason)))
	case to != TaskRejected && to != TaskCancelled && reason != "":
		errs = append(errs, socialrx.Field("/reject_reason", "only a rejection or a cancellation takes a reason"))
	}
	errs = append(errs, o.checkWhen("/at", at, now)...)
	errs = append(errs, o.historyFull(to.Final())...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	o.History = append(o.History, TaskEvent{At: at.UTC(), Actor: by, From: o.Status, To: to, Reason: reason, Note: note})
	o.Status = to
	o.RejectReason = reason
	return nil
}

// RecordAttendance records whether the person attended a session. The
// first attended session of an accepted onward referral moves it to
// in_progress. Codes: forbidden (not the partner or an admin), invalid (an
// onward referral not accepted, in progress or on hold; a session date in
// the future or before the request; [MaxAttendance] sessions already,
// "/attendance").
func (o *OnwardReferral) RecordAttendance(by Actor, date socialrx.Date, attended bool, note string, now time.Time) error {
	if err := o.authorise(by); err != nil {
		return err
	}
	if by.Role == RoleLinkWorker {
		return socialrx.Errorf(socialrx.CodeForbidden, "attendance is recorded by the partner")
	}
	var errs []socialrx.FieldError
	switch o.Status {
	case TaskAccepted, TaskInProgress, TaskOnHold:
	default:
		errs = append(errs, socialrx.Field("/status", "attendance cannot be recorded on a %s onward referral", o.Status))
	}
	switch {
	case date.IsZero():
		errs = append(errs, socialrx.Field("/attendance/date", "required"))
	case date.After(socialrx.DateOf(now.UTC())):
		errs = append(errs, socialrx.Field("/attendance/date", "must not be in the future"))
	case date.Before(socialrx.DateOf(o.RequestedAt)):
		errs = append(errs, socialrx.Field("/attendance/date", "must not be before the onward referral was requested"))
	}
	errs = append(errs, full("/attendance", len(o.Attendance), MaxAttendance, "sessions")...)
	if attended && o.Status == TaskAccepted {
		errs = append(errs, o.historyFull(false)...)
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	if attended && o.Status == TaskAccepted {
		at := now.UTC()
		if last := o.History[len(o.History)-1].At; at.Before(last) {
			at = last
		}
		o.History = append(o.History, TaskEvent{At: at, Actor: by, From: o.Status, To: TaskInProgress, Note: "first session attended"})
		o.Status = TaskInProgress
	}
	o.Attendance = append(o.Attendance, Attendance{Date: date, Attended: attended, Note: note, RecordedBy: by.ID, RecordedAt: now.UTC()})
	return nil
}

// AddFeedback adds feedback from the partner or the link worker. Codes:
// forbidden, invalid (empty text, a time in the future, [MaxFeedback]
// entries already, "/feedback").
func (o *OnwardReferral) AddFeedback(by Actor, text string, at, now time.Time) error {
	if err := o.authorise(by); err != nil {
		return err
	}
	var errs []socialrx.FieldError
	if strings.TrimSpace(text) == "" {
		errs = append(errs, socialrx.Field("/feedback/text", "required"))
	}
	if at.IsZero() || at.After(now) || at.Before(o.RequestedAt) {
		errs = append(errs, socialrx.Field("/feedback/at", "must be between the request and now"))
	}
	errs = append(errs, full("/feedback", len(o.Feedback), MaxFeedback, "feedback entries")...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	o.Feedback = append(o.Feedback, Feedback{At: at.UTC(), By: by, Text: text})
	return nil
}

// ChaseDates returns the dates on which a partner that has not acted on the
// onward referral is to be chased: the given numbers of working days
// (Monday to Friday, less the policy's holidays) after the day it was
// requested. A scheduler can wake on the first date not yet passed.
func (o *OnwardReferral) ChaseDates(p Policy) []socialrx.Date {
	p = p.withDefaults()
	holidays := map[socialrx.Date]bool{}
	for _, h := range p.Holidays {
		holidays[h] = true
	}
	var out []socialrx.Date
	d, worked := socialrx.DateOf(o.RequestedAt), 0
	for _, n := range p.ChaseWorkingDays {
		for worked < n {
			d = d.AddDays(1)
			if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday && !holidays[d] {
				worked++
			}
		}
		out = append(out, d)
	}
	return out
}

// Overdue returns how many chase points have passed while the partner has
// not acted (the onward referral is still requested): 0 when not overdue,
// 1 after the first (default 6 working days), 2 after the second (9).
func (o *OnwardReferral) Overdue(now time.Time, p Policy) int {
	if o.Status != TaskRequested {
		return 0
	}
	today := socialrx.DateOf(now.UTC())
	n := 0
	for _, d := range o.ChaseDates(p) {
		if !today.Before(d) {
			n++
		}
	}
	return n
}

// ChasesDue returns how many chase reminders have fallen due and not been
// sent (see [OnwardReferral.Overdue]), and when the next falls due (nil if
// none will).
func (o *OnwardReferral) ChasesDue(now time.Time, p Policy) (due int, next *time.Time) {
	if o.Status != TaskRequested {
		return 0, nil
	}
	due = o.Overdue(now, p) - o.Chased
	dates := o.ChaseDates(p)
	if i := o.Chased + max(due, 0); i < len(dates) {
		t := dates[i].Time()
		next = &t
	}
	return max(due, 0), next
}

// MarkChased records that chase reminder number n (1-based) was sent.
func (o *OnwardReferral) MarkChased(n int) {
	o.Chased = max(o.Chased, n)
}
