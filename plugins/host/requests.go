package host

import (
	"encoding/json"
	"strconv"

	"github.com/invopop/jsonschema"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/referral"
)

// StatusChange asks to move a referral to another status.
type StatusChange struct {
	// To is the new status.
	To referral.Status `json:"to"`
	// Reason is required for declined, on_hold and closed.
	Reason referral.Reason `json:"reason,omitempty"`
	// Note says more in words.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// ConsentChange records or withdraws one of the person's consents.
type ConsentChange struct {
	// Kind names the consent.
	Kind referral.ConsentKind `json:"kind"`
	// Given is the person's answer (ignored when withdrawing).
	Given bool `json:"given,omitempty"`
	// Scope applies to share_with_partners only.
	Scope referral.ShareScope `json:"scope,omitempty"`
	// Withdraw withdraws a consent given earlier.
	Withdraw bool `json:"withdraw,omitempty"`
	// Note says why, for a withdrawal.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// SignpostRequest signposts the person to a directory service.
type SignpostRequest struct {
	ServiceID string `json:"service_id" jsonschema:"minLength=1,maxLength=128"`
	Note      string `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// CheckInRequest records the result of a signpost's check-in.
type CheckInRequest struct {
	Result referral.CheckInResult `json:"result"`
	Note   string                 `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// OnwardRequest refers the person on to a partner's service.
type OnwardRequest struct {
	// ServiceID is the directory service.
	ServiceID string `json:"service_id" jsonschema:"minLength=1,maxLength=128"`
	// Partner is the organisation that runs it, as the directory says;
	// absent means that one.
	Partner string `json:"partner,omitempty" jsonschema:"maxLength=128"`
	// Needs are what the person wants help with there; absent means the referral's needs.
	Needs []socialrx.Need `json:"needs,omitempty"`
	// Note is what the link worker asks of the partner.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// TaskChange moves an onward referral along the closed loop.
type TaskChange struct {
	To     referral.TaskStatus   `json:"to"`
	Reason referral.RejectReason `json:"reason,omitempty"`
	Note   string                `json:"note,omitempty" jsonschema:"maxLength=4000"`
}

// AttendanceRequest reports a session the person attended or missed.
type AttendanceRequest struct {
	Date     socialrx.Date `json:"date"`
	Attended bool          `json:"attended"`
	Note     string        `json:"note,omitempty" jsonschema:"maxLength=1000"`
}

// FeedbackRequest adds feedback on an onward referral.
type FeedbackRequest struct {
	Text string `json:"text" jsonschema:"minLength=1,maxLength=4000"`
}

// GoalRequest adds a goal to a plan, in the person's words.
type GoalRequest struct {
	Text string        `json:"text" jsonschema:"minLength=1,maxLength=1000"`
	Need socialrx.Need `json:"need"`
}

// PlanStatusChange pauses, resumes or closes a plan.
type PlanStatusChange struct {
	// Action is pause, resume or close.
	Action string `json:"action" jsonschema:"enum=pause,enum=resume,enum=close"`
	// PauseReason is required to pause.
	PauseReason plan.PauseReason `json:"pause_reason,omitempty"`
	// CloseReason is required to close.
	CloseReason plan.CloseReason `json:"close_reason,omitempty"`
	Note        string           `json:"note,omitempty" jsonschema:"maxLength=1000"`
}

// ExtensionRequest extends a plan's contact budget, with a reason.
type ExtensionRequest struct {
	// Contacts is how many to add, 1 to plan.MaxExtension.
	Contacts int    `json:"contacts" jsonschema:"minimum=1"`
	Reason   string `json:"reason" jsonschema:"minLength=1,maxLength=1000"`
}

// JSONSchemaExtend bounds Contacts by the most one extension may add.
func (ExtensionRequest) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("contacts"); ok {
		p.Maximum = json.Number(strconv.Itoa(plan.MaxExtension))
	}
}

// MatchRequest asks for services for one person.
type MatchRequest struct {
	// Person is the person's needs, barriers, preferences and location.
	Person directory.Person `json:"person"`
	// Options tune the match.
	Options directory.MatchOptions `json:"options,omitzero"`
}

// MeasurementRequest is one completed instrument for the person of a
// referral; the host fills in whose it is, the consent and the context.
type MeasurementRequest struct {
	Instrument        string             `json:"instrument" jsonschema:"minLength=1,maxLength=64"`
	InstrumentVersion string             `json:"instrument_version" jsonschema:"minLength=1,maxLength=32"`
	TimePoint         outcomes.TimePoint `json:"time_point"`
	Date              socialrx.Date      `json:"date"`
	Mode              outcomes.Mode      `json:"mode"`
	Answers           []outcomes.Answer  `json:"answers"`
}
