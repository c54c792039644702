package referral

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// SourceKind is who made a referral.
type SourceKind string

// The referral sources.
const (
	SourceGP              SourceKind = "gp"
	SourcePracticeStaff   SourceKind = "practice_staff"
	SourcePharmacy        SourceKind = "pharmacy"
	SourceSecondaryCare   SourceKind = "secondary_care"
	SourceAdultSocialCare SourceKind = "adult_social_care"
	SourceHousing         SourceKind = "housing"
	SourceVCSE            SourceKind = "vcse"
	SourceFamilyOrCarer   SourceKind = "family_or_carer"
	SourceSelf            SourceKind = "self"
)

var sourceKinds = []SourceKind{SourceGP, SourcePracticeStaff, SourcePharmacy, SourceSecondaryCare, SourceAdultSocialCare, SourceHousing, SourceVCSE, SourceFamilyOrCarer, SourceSelf}

// EnumValues lists the sources, for JSON Schema.
func (SourceKind) EnumValues() []string { return socialrx.EnumStrings(sourceKinds) }

// Urgency is how soon the referrer asks for a first contact.
type Urgency string

// The urgencies.
const (
	UrgencyRoutine Urgency = "routine"
	UrgencySoon    Urgency = "soon"
	UrgencyUrgent  Urgency = "urgent"
)

var urgencies = []Urgency{UrgencyRoutine, UrgencySoon, UrgencyUrgent}

// EnumValues lists the urgencies, for JSON Schema.
func (Urgency) EnumValues() []string { return socialrx.EnumStrings(urgencies) }

// Referrer is who referred the person, with the contact to tell them the outcome.
type Referrer struct {
	// Kind is the kind of source.
	Kind SourceKind `json:"kind"`
	// Name is the referrer's name, or the person's own name for self-referrals.
	Name string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	// Organisation is the referrer's organisation, such as a GP practice.
	Organisation string `json:"organisation,omitempty" jsonschema:"maxLength=200"`
	// OrganisationCode is the organisation's ODS code, such as a GP practice's "A81001".
	OrganisationCode string `json:"organisation_code,omitempty" jsonschema:"maxLength=32"`
	// Email is where the outcome is sent.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Phone is a number to call the referrer on.
	Phone string `json:"phone,omitempty" jsonschema:"maxLength=32"`
}

// Referral is a referral of one person to the social prescribing service,
// from receipt to close, possibly over several episodes.
type Referral struct {
	// ID is a UUID; a new referral without one gets one.
	ID string `json:"id,omitempty" jsonschema:"format=uuid"`
	// Version counts stored changes; the store sets it (compare-and-swap).
	Version int64 `json:"version,omitempty" jsonschema:"minimum=0"`
	// Episode is 1 for the first episode and goes up when a closed
	// referral is re-opened; a new referral has none yet.
	Episode int `json:"episode,omitempty" jsonschema:"minimum=1"`
	// Status is where the referral is in its lifecycle; a new referral has none yet.
	Status Status `json:"status,omitempty"`
	// Referrer is who referred the person.
	Referrer Referrer `json:"referrer"`
	// Person is who is referred.
	Person Person `json:"person"`
	// Needs are what the person is referred for, as need codes.
	Needs []socialrx.Need `json:"needs" jsonschema:"minItems=1,uniqueItems=true"`
	// Reason is the referrer's reason in words; it may hold clinical
	// details, so partners see it only with full sharing consent.
	Reason string `json:"reason,omitempty" jsonschema:"maxLength=4000" jsonschema_extras:"x-sensitive=true"`
	// Urgency is how soon a first contact is asked for.
	Urgency Urgency `json:"urgency"`
	// Consents are the person's four consents.
	Consents Consents `json:"consents"`
	// Owner is the link worker (or team) responsible, once accepted.
	Owner string `json:"owner,omitempty" jsonschema:"maxLength=128"`
	// ReceivedAt is when the service received the referral; a new referral
	// without one is received when it is created.
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// Signposts are the light-touch signposts given, with their check-ins.
	Signposts []Signpost `json:"signposts,omitempty"`
	// History is every state change, oldest first; it is never rewritten.
	History []Event `json:"history,omitempty"`
}

func path(p string, i int) string { return p + "/" + strconv.Itoa(i) }

// New validates a referral as received and returns it ready to store:
// status received, episode 1, one "received" event, an ID if it had none
// (a random UUID), the NHS number and postcode normalised. It returns
// CodeInvalid naming every field at fault: an invalid NHS number, a date
// of birth in the future, no consent to be referred, unknown codes, and so on.
func New(in Referral, by Actor, now time.Time) (*Referral, error) {
	r := in
	r.Status = StatusReceived
	r.Episode = 1
	r.History = nil
	r.Signposts = nil
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	r.ReceivedAt = r.ReceivedAt.UTC()
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	if r.Urgency == "" {
		r.Urgency = UrgencyRoutine
	}
	p, errs := r.check(now)
	if r.ReceivedAt.After(now) {
		errs = append(errs, socialrx.Field("/received_at", "must not be in the future"))
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return nil, err
	}
	r.Person = p
	r.History = []Event{{At: r.ReceivedAt, Actor: by, To: StatusReceived, Episode: 1}}
	return &r, nil
}

// check validates everything that does not depend on the lifecycle and
// returns the normalised person.
func (r *Referral) check(now time.Time) (Person, []socialrx.FieldError) {
	var errs []socialrx.FieldError
	if _, err := uuid.Parse(r.ID); err != nil && r.ID != "" {
		errs = append(errs, socialrx.Field("/id", "must be a UUID"))
	}
	if !socialrx.ValidEnum(r.Referrer.Kind) {
		errs = append(errs, socialrx.Field("/referrer/kind", "unknown source kind %q", string(r.Referrer.Kind)))
	}
	if strings.TrimSpace(r.Referrer.Name) == "" {
		errs = append(errs, socialrx.Field("/referrer/name", "required"))
	}
	if r.Referrer.Email != "" && !strings.Contains(r.Referrer.Email, "@") {
		errs = append(errs, socialrx.Field("/referrer/email", "is not an email address"))
	}
	p, perrs := r.Person.check(now)
	for _, f := range perrs {
		errs = append(errs, socialrx.Field("/person"+f.Path, f.Rule))
	}
	if len(r.Needs) == 0 {
		errs = append(errs, socialrx.Field("/needs", "at least one need is required"))
	}
	errs = append(errs, socialrx.CheckNeeds("/needs", r.Needs)...)
	seen := map[socialrx.Need]bool{}
	for i, n := range r.Needs {
		if seen[n] {
			errs = append(errs, socialrx.Field(path("/needs", i), "need %q is listed twice", string(n)))
		}
		seen[n] = true
	}
	if !socialrx.ValidEnum(r.Urgency) {
		errs = append(errs, socialrx.Field("/urgency", "unknown urgency %q", string(r.Urgency)))
	}
	errs = append(errs, r.Consents.check(now)...)
	if r.Open() && !r.Consents.Referral.Active() {
		// A declined or closed referral may be so because it was withdrawn.
		errs = append(errs, socialrx.Field("/consents/referral/given", "the person's consent to be referred is required while the referral is open"))
	}
	return p, errs
}

// Check checks a referral held in memory against every rule that does
// not depend on its history (the checks [New] makes, at time now: nothing
// may lie after it; a zero now skips those rules). A referral not yet
// received (no status) passes too. Codes: invalid.
func (r *Referral) Check(now time.Time) error {
	_, errs := r.check(now)
	if r.Status != "" && !socialrx.ValidEnum(r.Status) {
		errs = append(errs, socialrx.Field("/status", "unknown status %q", string(r.Status)))
	}
	if r.Episode < 0 || (r.Status != "" && r.Episode < 1) {
		errs = append(errs, socialrx.Field("/episode", "must be at least 1 once a referral has a status"))
	}
	if !now.IsZero() && r.ReceivedAt.After(now) {
		errs = append(errs, socialrx.Field("/received_at", "must not be in the future"))
	}
	return socialrx.Invalid(errs...)
}

// Open reports whether the referral is still being worked: not declined
// and not closed.
func (r *Referral) Open() bool {
	return r.Status != StatusDeclined && r.Status != StatusClosed
}
