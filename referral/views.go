package referral

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/socialrx/socialrx"
)

// PartnerView is all a partner organisation may see of a person: the name
// to use, how to reach them, what they want help with and what helps them
// take part. The NHS number, surname, date of birth, postcode and the
// referral's reason appear only when the share-with-partners consent's
// scope is full.
type PartnerView struct {
	// Name is the name the person likes to be called.
	Name string `json:"name" jsonschema:"maxLength=200"`
	// ContactMethod is the person's preferred way to be contacted; empty
	// when they asked not to be contacted (the partner then goes through the link worker).
	ContactMethod ContactMethod `json:"contact_method,omitempty"`
	// ContactDetail is the phone number, email or address for that method.
	ContactDetail string `json:"contact_detail,omitempty" jsonschema:"maxLength=500"`
	// Needs are what the person wants help with.
	Needs []socialrx.Need `json:"needs"`
	// Note is what the link worker asks of the partner.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
	// Language, InterpreterNeeded, Accessibility and WantsEscort tell the
	// partner how to welcome the person.
	Language          string              `json:"language,omitempty" jsonschema:"maxLength=35"`
	InterpreterNeeded bool                `json:"interpreter_needed,omitempty"`
	Accessibility     []AccessibilityNeed `json:"accessibility,omitempty" jsonschema:"maxItems=20"`
	WantsEscort       bool                `json:"wants_escort,omitempty"`
	// Full holds the sensitive details, present only under full sharing consent.
	Full *PartnerDetails `json:"full,omitempty"`
}

// PartnerDetails are the sensitive details a partner sees under full
// sharing consent.
type PartnerDetails struct {
	FamilyName  string        `json:"family_name,omitempty" jsonschema:"maxLength=200"`
	DateOfBirth socialrx.Date `json:"date_of_birth,omitzero"`
	NHSNumber   string        `json:"nhs_number,omitempty" jsonschema:"maxLength=10"`
	Postcode    string        `json:"postcode,omitempty" jsonschema:"maxLength=8"`
	Reason      string        `json:"reason,omitempty" jsonschema:"maxLength=4000"`
}

// PartnerViewOf builds what a partner may see of the referral's person now.
// Without an active share-with-partners consent, or once the person has
// withdrawn their consent to be referred, it holds only the needs: no name
// and no way to contact them.
func PartnerViewOf(r *Referral) PartnerView {
	p := r.Person
	v := PartnerView{Needs: append([]socialrx.Need(nil), r.Needs...)}
	share := r.Consents.ShareWithPartners
	if !share.Active() || !r.Consents.Referral.Active() {
		return v
	}
	v.Name = p.Name()
	v.Language, v.InterpreterNeeded, v.WantsEscort = p.Language, p.InterpreterNeeded, p.WantsEscort
	v.Accessibility = append([]AccessibilityNeed(nil), p.Accessibility...)
	if !p.Contact.DoNotContact && len(p.Contact.Methods) > 0 {
		v.ContactMethod = p.Contact.Methods[0]
		switch v.ContactMethod {
		case ContactPhone, ContactSMS:
			v.ContactDetail = p.Contact.Phone
		case ContactEmail:
			v.ContactDetail = p.Contact.Email
		case ContactLetter:
			v.ContactDetail = p.Contact.Address
		}
	}
	if share.Scope == ShareFull {
		v.Full = &PartnerDetails{FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth, NHSNumber: p.NHSNumber, Postcode: p.Postcode, Reason: r.Reason}
	}
	return v
}

// Notice is a message to a referrer about the outcome of their referral.
type Notice struct {
	// Event is what happened: "referral.accepted", "referral.declined" or "referral.closed".
	Event string `json:"event"`
	// To is the referrer.
	To Referrer `json:"to"`
	// Subject and Body are the message in words. They name the person by
	// initials and date of birth only, as email is not a safe place for more.
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

var reasonWords = map[Reason]string{
	DeclineInappropriate:    "the service is not the right one for this person's needs",
	DeclineDeclinedByPerson: "the person chose not to take up social prescribing",
	DeclineCouldNotContact:  "we could not contact the person",
	DeclineDuplicate:        "the person already has an open referral with us",
	DeclineOutOfArea:        "the person lives outside the area we cover",
	CloseGoalsMet:           "the person met the goals they set",
	CloseDisengaged:         "the person stopped taking part",
	CloseMovedAway:          "the person moved away",
	CloseEscalated:          "the person was referred to a specialist service",
	CloseDied:               "the person died",
	CloseConsentWithdrawn:   "the person withdrew their consent to be referred",
}

// ReferrerNotice returns the message to send the referrer for a status
// event: accepted, declined or closed. ok is false for other events.
func ReferrerNotice(r *Referral, e Event) (n Notice, ok bool) {
	if e.Type != EventStatus && e.Type != "" {
		return Notice{}, false
	}
	who := initials(r.Person)
	if !r.Person.DateOfBirth.IsZero() {
		who += ", born " + r.Person.DateOfBirth.String()
	}
	received := r.ReceivedAt.Format("2 January 2006")
	switch e.To {
	case StatusAccepted:
		n = Notice{Event: "referral.accepted", Subject: "Social prescribing referral accepted",
			Body: fmt.Sprintf("Your referral of %s, received on %s, has been accepted. A link worker will be in touch with them.", who, received)}
	case StatusDeclined:
		n = Notice{Event: "referral.declined", Subject: "Social prescribing referral declined",
			Body: fmt.Sprintf("Your referral of %s, received on %s, has been declined: %s.", who, received, reasonWords[e.Reason])}
	case StatusClosed:
		n = Notice{Event: "referral.closed", Subject: "Social prescribing support ended",
			Body: fmt.Sprintf("Our support for %s, referred on %s, has ended: %s.", who, received, reasonWords[e.Reason])}
	default:
		return Notice{}, false
	}
	n.To = r.Referrer
	return n, true
}

func initials(p Person) string {
	var b strings.Builder
	for _, s := range []string{p.GivenName, p.FamilyName} {
		for _, c := range strings.TrimSpace(s) {
			b.WriteRune(unicode.ToUpper(c))
			b.WriteByte('.')
			break
		}
	}
	return b.String()
}

// The SNOMED CT concepts a GP record must carry for social prescribing.
const (
	SNOMEDReferred = "871731000000106" // Referral to social prescribing service (procedure)
	SNOMEDDeclined = "871711000000103" // Social prescribing declined (situation)
)

// CodedEvent is a coded entry a GP system should record.
type CodedEvent struct {
	SNOMED     string        `json:"snomed"`
	Display    string        `json:"display"`
	Date       socialrx.Date `json:"date"`
	ReferralID string        `json:"referral_id"`
	Episode    int           `json:"episode"`
	NHSNumber  string        `json:"nhs_number,omitempty"`
}

// ClinicalEvents returns the coded events a GP record should carry for a
// status event: 871731000000106 on the first interaction of an episode
// (its acceptance, including a re-opened episode), and 871711000000103
// when the person declines. The NHS number is empty when the referral
// has none; the GP system then cannot file it.
func ClinicalEvents(r *Referral, e Event) []CodedEvent {
	if e.Type != EventStatus && e.Type != "" {
		return nil
	}
	ce := CodedEvent{Date: socialrx.DateOf(e.At.UTC()), ReferralID: r.ID, Episode: e.Episode, NHSNumber: r.Person.NHSNumber}
	switch {
	case e.To == StatusAccepted:
		ce.SNOMED, ce.Display = SNOMEDReferred, "Referral to social prescribing service"
	case e.To == StatusDeclined && e.Reason == DeclineDeclinedByPerson:
		ce.SNOMED, ce.Display = SNOMEDDeclined, "Social prescribing declined"
	default:
		return nil
	}
	return []CodedEvent{ce}
}

// Duplicate names an open referral that looks like the same person.
type Duplicate struct {
	ReferralID string `json:"referral_id"`
	// Why is "nhs_number" or "name_and_date_of_birth".
	Why string `json:"why"`
}

// FindDuplicates returns the open referrals in others (not declined, not
// closed, not r itself) for the same person: the same NHS number, or the
// same normalised name (case, accents, punctuation and spacing ignored)
// with the same date of birth.
func FindDuplicates(r *Referral, others []Referral) []Duplicate {
	var out []Duplicate
	name := normaliseName(r.Person)
	for i := range others {
		o := &others[i]
		if o.ID == r.ID || !o.Open() {
			continue
		}
		switch {
		case r.Person.NHSNumber != "" && o.Person.NHSNumber == r.Person.NHSNumber:
			out = append(out, Duplicate{ReferralID: o.ID, Why: "nhs_number"})
		case !r.Person.DateOfBirth.IsZero() && o.Person.DateOfBirth == r.Person.DateOfBirth && normaliseName(o.Person) == name:
			out = append(out, Duplicate{ReferralID: o.ID, Why: "name_and_date_of_birth"})
		}
	}
	return out
}

// normaliseName folds case and accents and keeps letters only, with single
// spaces between given and family name.
func normaliseName(p Person) string {
	var b strings.Builder
	for _, part := range []string{p.GivenName, p.FamilyName} {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		for _, c := range norm.NFD.String(part) {
			if unicode.IsLetter(c) {
				b.WriteRune(unicode.ToLower(c))
			}
		}
	}
	return b.String()
}
