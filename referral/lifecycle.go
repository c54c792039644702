package referral

import (
	"slices"
	"time"

	"github.com/socialrx/socialrx"
)

// Status is where a referral is in its lifecycle:
//
//	received → accepted | declined
//	accepted → active | closed
//	active ↔ on_hold
//	active | on_hold → closed
//	closed → accepted (re-opened as a new episode)
type Status string

// The referral statuses.
const (
	StatusReceived Status = "received"
	StatusAccepted Status = "accepted"
	StatusDeclined Status = "declined"
	StatusActive   Status = "active"
	StatusOnHold   Status = "on_hold"
	StatusClosed   Status = "closed"
)

var statuses = []Status{StatusReceived, StatusAccepted, StatusDeclined, StatusActive, StatusOnHold, StatusClosed}

// EnumValues lists the statuses, for JSON Schema.
func (Status) EnumValues() []string { return socialrx.EnumStrings(statuses) }

// Reason says why a referral was declined, put on hold or closed.
type Reason string

// Reasons for declining (received → declined).
const (
	DeclineInappropriate    Reason = "inappropriate"
	DeclineDeclinedByPerson Reason = "declined_by_person"
	DeclineCouldNotContact  Reason = "could_not_contact"
	DeclineDuplicate        Reason = "duplicate"
	DeclineOutOfArea        Reason = "out_of_area"
)

// Reasons for pausing (active → on_hold).
const (
	HoldHospitalStay Reason = "hospital_stay"
	HoldCaring       Reason = "caring"
	HoldPersonChoice Reason = "person_choice"
)

// Reasons for closing (accepted | active | on_hold → closed).
const (
	CloseGoalsMet   Reason = "goals_met"
	CloseDisengaged Reason = "disengaged"
	CloseMovedAway  Reason = "moved_away"
	CloseEscalated  Reason = "escalated_to_specialist"
	CloseDied       Reason = "died"
	// CloseConsentWithdrawn: the person withdrew their consent to be referred.
	CloseConsentWithdrawn Reason = "consent_withdrawn"
)

var (
	declineReasons = []Reason{DeclineInappropriate, DeclineDeclinedByPerson, DeclineCouldNotContact, DeclineDuplicate, DeclineOutOfArea}
	holdReasons    = []Reason{HoldHospitalStay, HoldCaring, HoldPersonChoice}
	closeReasons   = []Reason{CloseGoalsMet, CloseDisengaged, CloseMovedAway, CloseEscalated, CloseDied, CloseConsentWithdrawn}
	reasons        = slices.Concat(declineReasons, holdReasons, closeReasons)
)

var reasonsFor = map[Status][]Reason{
	StatusDeclined: declineReasons,
	StatusOnHold:   holdReasons,
	StatusClosed:   closeReasons,
}

// EnumValues lists every reason, for JSON Schema.
func (Reason) EnumValues() []string { return socialrx.EnumStrings(reasons) }

// ReasonsFor returns the reasons allowed when moving to status s; nil when
// s takes no reason.
func ReasonsFor(s Status) []Reason { return append([]Reason(nil), reasonsFor[s]...) }

var transitions = map[Status][]Status{
	StatusReceived: {StatusAccepted, StatusDeclined},
	StatusAccepted: {StatusActive, StatusClosed},
	StatusActive:   {StatusOnHold, StatusClosed},
	StatusOnHold:   {StatusActive, StatusClosed},
	StatusClosed:   {StatusAccepted},
}

// CanTransition reports whether the lifecycle allows from → to.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Role is the part an actor plays.
type Role string

// The roles.
const (
	RoleAdmin        Role = "admin"
	RoleLinkWorker   Role = "link_worker"
	RoleReferrer     Role = "referrer"
	RolePartner      Role = "partner"
	RoleCommissioner Role = "commissioner"
	// RoleSystem is the host itself (the scheduler, an import).
	RoleSystem Role = "system"
)

var roles = []Role{RoleAdmin, RoleLinkWorker, RoleReferrer, RolePartner, RoleCommissioner, RoleSystem}

// EnumValues lists the roles, for JSON Schema.
func (Role) EnumValues() []string { return socialrx.EnumStrings(roles) }

// Actor is who does something: an id, a role and, for partners and
// referrers, their organisation.
type Actor struct {
	ID           string `json:"id" jsonschema:"minLength=1,maxLength=128"`
	Role         Role   `json:"role"`
	Organisation string `json:"organisation,omitempty" jsonschema:"maxLength=128"`
}

// EventType says what an [Event] records.
type EventType string

// The event types.
const (
	EventStatus   EventType = "status"
	EventConsent  EventType = "consent"
	EventSignpost EventType = "signpost"
	EventCheckIn  EventType = "check_in"
)

var eventTypes = []EventType{EventStatus, EventConsent, EventSignpost, EventCheckIn}

// EnumValues lists the event types, for JSON Schema.
func (EventType) EnumValues() []string { return socialrx.EnumStrings(eventTypes) }

// Event is one entry in a referral's history: who did what, when, from
// which status to which, why.
type Event struct {
	// Type is what changed; empty means a status change.
	Type EventType `json:"type,omitempty"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Actor is who did it.
	Actor Actor `json:"actor"`
	// From is the status before (empty for the first event).
	From Status `json:"from,omitempty"`
	// To is the status after.
	To Status `json:"to"`
	// Episode is the episode the event belongs to.
	Episode int `json:"episode" jsonschema:"minimum=0"`
	// Reason is why, for declines, holds and closes.
	Reason Reason `json:"reason,omitempty"`
	// Consent names the consent, for consent events.
	Consent ConsentKind `json:"consent,omitempty"`
	// Signpost is the signpost's id, for signpost and check-in events.
	Signpost string `json:"signpost,omitempty" jsonschema:"maxLength=128"`
	// Note says more in words.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// Change asks for one status change.
type Change struct {
	To     Status
	Reason Reason
	Note   string
	By     Actor
	At     time.Time
}

// checkWhen refuses a zero time, a time in the future, before the referral
// was received, or before its last event.
func (r *Referral) checkWhen(p string, at, now time.Time) []socialrx.FieldError {
	switch {
	case at.IsZero():
		return []socialrx.FieldError{socialrx.Field(p, "a time is required")}
	case at.After(now):
		return []socialrx.FieldError{socialrx.Field(p, "must not be in the future")}
	case at.Before(r.ReceivedAt):
		return []socialrx.FieldError{socialrx.Field(p, "must not be before the referral was received")}
	case len(r.History) > 0 && at.Before(r.History[len(r.History)-1].At):
		return []socialrx.FieldError{socialrx.Field(p, "must not be before the last recorded event")}
	}
	return nil
}

// mayChangeStatus reports whether the actor's role may move a referral.
func mayChangeStatus(a Actor) bool {
	switch a.Role {
	case RoleAdmin, RoleLinkWorker, RoleSystem:
		return a.ID != ""
	}
	return false
}

// Apply makes one status change and appends its event. Re-opening a closed
// referral (closed → accepted) starts a new episode. Accepting sets the
// owner to the accepting link worker if none is set. Codes: forbidden (a
// partner, referrer or commissioner, or an actor with no id), invalid (a
// transition the lifecycle does not allow — the error names from and to —,
// a missing or wrong reason, a bad time, a full history: "/history"; a
// close or decline may take the places a full history keeps).
func (r *Referral) Apply(c Change, now time.Time) error {
	if !mayChangeStatus(c.By) {
		return socialrx.Errorf(socialrx.CodeForbidden, "a %q actor may not change a referral's status", c.By.Role)
	}
	var errs []socialrx.FieldError
	if !CanTransition(r.Status, c.To) {
		errs = append(errs, socialrx.Field("/status", "cannot move from %s to %s", r.Status, c.To))
	}
	if allowed := reasonsFor[c.To]; allowed != nil {
		ok := false
		for _, a := range allowed {
			ok = ok || a == c.Reason
		}
		if !ok {
			errs = append(errs, socialrx.Field("/reason", "moving to %s needs one of the reasons %v; got %q", c.To, allowed, string(c.Reason)))
		}
	} else if c.Reason != "" {
		errs = append(errs, socialrx.Field("/reason", "moving to %s takes no reason", c.To))
	}
	errs = append(errs, r.checkWhen("/at", c.At, now)...)
	errs = append(errs, r.historyFull(c.To == StatusClosed || c.To == StatusDeclined)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	from := r.Status
	if from == StatusClosed {
		r.Episode++
	}
	if c.To == StatusAccepted && r.Owner == "" && c.By.Role == RoleLinkWorker {
		r.Owner = c.By.ID
	}
	r.Status = c.To
	r.History = append(r.History, Event{Type: EventStatus, At: c.At.UTC(), Actor: c.By, From: from, To: c.To, Episode: r.Episode, Reason: c.Reason, Note: c.Note})
	return nil
}

// Accept moves a received referral to accepted. See [Referral.Apply].
func (r *Referral) Accept(by Actor, at, now time.Time, note string) error {
	return r.Apply(Change{To: StatusAccepted, By: by, At: at, Note: note}, now)
}

// Decline moves a received referral to declined with a reason. See [Referral.Apply].
func (r *Referral) Decline(by Actor, reason Reason, at, now time.Time, note string) error {
	return r.Apply(Change{To: StatusDeclined, Reason: reason, By: by, At: at, Note: note}, now)
}

// Close closes an active or on-hold referral with a reason. See [Referral.Apply].
func (r *Referral) Close(by Actor, reason Reason, at, now time.Time, note string) error {
	return r.Apply(Change{To: StatusClosed, Reason: reason, By: by, At: at, Note: note}, now)
}

// Reopen re-opens a closed referral as a new episode (status accepted).
// See [Referral.Apply].
func (r *Referral) Reopen(by Actor, at, now time.Time, note string) error {
	return r.Apply(Change{To: StatusAccepted, By: by, At: at, Note: note}, now)
}
