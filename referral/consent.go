package referral

import (
	"time"

	"github.com/socialrx/socialrx"
)

// ConsentKind names one of the four consents recorded for a referral.
type ConsentKind string

// The consents.
const (
	ConsentReferral   ConsentKind = "referral"
	ConsentShare      ConsentKind = "share_with_partners"
	ConsentFeedback   ConsentKind = "contact_for_feedback"
	ConsentEvaluation ConsentKind = "evaluation"
)

var consentKinds = []ConsentKind{ConsentReferral, ConsentShare, ConsentFeedback, ConsentEvaluation}

// EnumValues lists the consent kinds, for JSON Schema.
func (ConsentKind) EnumValues() []string { return socialrx.EnumStrings(consentKinds) }

// ShareScope says how much a partner may see under the share-with-partners consent.
type ShareScope string

// The sharing scopes.
const (
	// ShareMinimal: first name, how to contact, and what the person wants help with.
	ShareMinimal ShareScope = "minimal"
	// ShareFull: also the NHS number, date of birth, surname, postcode and the referral reason.
	ShareFull ShareScope = "full"
)

var shareScopes = []ShareScope{ShareMinimal, ShareFull}

// EnumValues lists the scopes, for JSON Schema.
func (ShareScope) EnumValues() []string { return socialrx.EnumStrings(shareScopes) }

// Consent is one consent: whether it was given, who recorded it and when,
// and its withdrawal. The zero Consent means it was never asked.
type Consent struct {
	// Given is true when the person consented.
	Given bool `json:"given"`
	// Scope applies to the share-with-partners consent only; empty means minimal.
	Scope ShareScope `json:"scope,omitempty"`
	// RecordedBy is who recorded the answer.
	RecordedBy string `json:"recorded_by,omitempty" jsonschema:"maxLength=128"`
	// RecordedAt is when the answer was recorded.
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	// WithdrawnAt is when the person withdrew a consent they had given.
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	// WithdrawnBy is who recorded the withdrawal.
	WithdrawnBy string `json:"withdrawn_by,omitempty" jsonschema:"maxLength=128"`
	// WithdrawalNote says why, in words, if the person said.
	WithdrawalNote string `json:"withdrawal_note,omitempty" jsonschema:"maxLength=4000"`
}

// Active reports whether the consent is given and not withdrawn.
func (c Consent) Active() bool { return c.Given && c.WithdrawnAt == nil }

// Consents are the four consents of a referral.
type Consents struct {
	// Referral is consent to be referred to the service.
	Referral Consent `json:"referral"`
	// ShareWithPartners is consent to share details with community
	// partners; absent means not asked yet.
	ShareWithPartners Consent `json:"share_with_partners,omitzero"`
	// ContactForFeedback is consent to be contacted for feedback; absent means not asked yet.
	ContactForFeedback Consent `json:"contact_for_feedback,omitzero"`
	// Evaluation is consent to use outcome data in evaluation; absent means not asked yet.
	Evaluation Consent `json:"evaluation,omitzero"`
}

func (cs *Consents) get(k ConsentKind) *Consent {
	switch k {
	case ConsentReferral:
		return &cs.Referral
	case ConsentShare:
		return &cs.ShareWithPartners
	case ConsentFeedback:
		return &cs.ContactForFeedback
	case ConsentEvaluation:
		return &cs.Evaluation
	}
	return nil
}

// Get returns one consent by kind (the zero Consent for an unknown kind).
func (cs Consents) Get(k ConsentKind) Consent {
	if c := cs.get(k); c != nil {
		return *c
	}
	return Consent{}
}

func (cs Consents) check(now time.Time) []socialrx.FieldError {
	var errs []socialrx.FieldError
	for _, k := range ConsentKind("").EnumValues() {
		c := cs.Get(ConsentKind(k))
		p := "/consents/" + k
		if c.RecordedAt.IsZero() && (c.Given || c.RecordedBy != "") {
			errs = append(errs, socialrx.Field(p+"/recorded_at", "required when a consent is recorded"))
		}
		if !c.RecordedAt.IsZero() && c.RecordedBy == "" {
			errs = append(errs, socialrx.Field(p+"/recorded_by", "required when a consent is recorded"))
		}
		if !now.IsZero() && c.RecordedAt.After(now) {
			errs = append(errs, socialrx.Field(p+"/recorded_at", "must not be in the future"))
		}
		if c.Scope != "" && (k != string(ConsentShare) || !socialrx.ValidEnum(c.Scope)) {
			errs = append(errs, socialrx.Field(p+"/scope", "must be minimal or full, on share_with_partners only"))
		}
		if c.WithdrawnAt != nil {
			if !c.Given {
				errs = append(errs, socialrx.Field(p+"/withdrawn_at", "only a given consent can be withdrawn"))
			} else if c.WithdrawnAt.Before(c.RecordedAt) {
				errs = append(errs, socialrx.Field(p+"/withdrawn_at", "must not be before recorded_at"))
			}
			if c.WithdrawnBy == "" {
				errs = append(errs, socialrx.Field(p+"/withdrawn_by", "required when a consent is withdrawn"))
			}
		}
	}
	return errs
}

// RecordConsent records the person's answer for one consent (replacing an
// earlier answer, which the history keeps) and appends an event. An answer
// of "not given" to a consent that was active ends it as
// [Referral.WithdrawConsent] does. Codes:
// invalid (unknown kind, a scope on another consent, a time in the future
// or before the referral was received, a closed/declined referral, or a
// full history, "/history").
func (r *Referral) RecordConsent(k ConsentKind, given bool, scope ShareScope, by Actor, at, now time.Time) error {
	c := r.Consents.get(k)
	var errs []socialrx.FieldError
	switch {
	case c == nil:
		errs = append(errs, socialrx.Field("/consents", "unknown consent kind %q", string(k)))
	case scope != "" && (k != ConsentShare || !socialrx.ValidEnum(scope)):
		errs = append(errs, socialrx.Field("/consents/"+string(k)+"/scope", "must be minimal or full, on share_with_partners only"))
	}
	errs = append(errs, r.checkWhen("/consents", at, now)...)
	if !r.Open() {
		errs = append(errs, socialrx.Field("/status", "consents of a %s referral cannot change", r.Status))
	}
	errs = append(errs, r.historyFull(false)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	was := c.Active()
	*c = Consent{Given: given, Scope: scope, RecordedBy: by.ID, RecordedAt: at.UTC()}
	note := "not given"
	if given {
		note = "given"
	}
	r.History = append(r.History, Event{Type: EventConsent, At: at.UTC(), Actor: by, From: r.Status, To: r.Status, Episode: r.Episode, Consent: k, Note: note})
	if was && !given {
		return r.consentEnded(k, by, at, now)
	}
	return nil
}

// WithdrawConsent records that the person withdrew a consent and appends an
// event. What each withdrawal stops:
//   - consent to be referred: the referral ends — a received one is
//     declined (declined_by_person), an accepted, active or on-hold one is
//     closed (consent_withdrawn) — and the referrer hears of it as of any
//     decline or close;
//   - share with partners: no new onward referrals, and partners see no
//     more than the needs ([PartnerViewOf], [OnwardReferral.RefreshView]);
//     the host cancels open onward referrals ([OnwardReferral.Withdraw]);
//   - contact for feedback: no feedback requests (follow-up measures) are
//     sent;
//   - evaluation: the person's measurements count in no report made after.
//
// A withdrawal may take the places a full history keeps (see
// [MaxHistory]). Codes: forbidden (an actor who may not change the referral's status,
// when the referral must end), invalid (unknown kind, a consent not given
// or already withdrawn, a bad time).
func (r *Referral) WithdrawConsent(k ConsentKind, by Actor, at, now time.Time, note string) error {
	c := r.Consents.get(k)
	var errs []socialrx.FieldError
	switch {
	case c == nil:
		errs = append(errs, socialrx.Field("/consents", "unknown consent kind %q", string(k)))
	case !c.Active():
		errs = append(errs, socialrx.Field("/consents/"+string(k)+"/given", "only a given, not yet withdrawn consent can be withdrawn"))
	case at.Before(c.RecordedAt):
		errs = append(errs, socialrx.Field("/consents/"+string(k)+"/withdrawn_at", "must not be before recorded_at"))
	}
	errs = append(errs, r.checkWhen("/consents", at, now)...)
	errs = append(errs, r.historyFull(true)...)
	if err := socialrx.Invalid(errs...); err != nil {
		return err
	}
	t := at.UTC()
	c.WithdrawnAt, c.WithdrawnBy, c.WithdrawalNote = &t, by.ID, note
	r.History = append(r.History, Event{Type: EventConsent, At: t, Actor: by, From: r.Status, To: r.Status, Episode: r.Episode, Consent: k, Note: "withdrawn"})
	return r.consentEnded(k, by, at, now)
}

// consentEnded applies what the end of consent k means for the referral:
// without consent to be referred, an open referral ends.
func (r *Referral) consentEnded(k ConsentKind, by Actor, at, now time.Time) error {
	if k != ConsentReferral {
		return nil
	}
	note := "the person withdrew their consent to be referred"
	switch r.Status {
	case StatusReceived:
		return r.Apply(Change{To: StatusDeclined, Reason: DeclineDeclinedByPerson, By: by, At: at, Note: note}, now)
	case StatusAccepted, StatusActive, StatusOnHold:
		return r.Apply(Change{To: StatusClosed, Reason: CloseConsentWithdrawn, By: by, At: at, Note: note}, now)
	}
	return nil
}
