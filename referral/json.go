package referral

import (
	_ "embed"
	"time"

	"github.com/socialrx/socialrx/internal/schema"
)

// The published JSON Schemas (2020-12), generated from the Go types and
// checked fresh by the tests. Callers get copies from [Schemas].
var (
	//go:embed referral.schema.json
	referralSchema []byte
	//go:embed onward_referral.schema.json
	onwardReferralSchema []byte
	//go:embed partner_view.schema.json
	partnerViewSchema []byte
)

var (
	referralValidator = schema.MustCompile("referral.schema.json", referralSchema)
	onwardValidator   = schema.MustCompile("onward_referral.schema.json", onwardReferralSchema)
)

// published are the package's schemas by name, each with its check.
var published = schema.Set{
	"referral": {JSON: referralSchema, Validate: Validate, ValidateAt: ValidateAt},
	"onward_referral": {JSON: onwardReferralSchema, Validate: func(doc []byte) error {
		_, err := DecodeOnwardReferral(doc)
		return err
	}},
	"partner_view": {JSON: partnerViewSchema, Validate: ValidatePartnerView},
}

// Schemas returns the package's published JSON Schemas by name, as copies.
// The names are "referral", "onward_referral" and "partner_view".
func Schemas() map[string][]byte { return published.Schemas() }

// ValidateAs checks a document against the named published schema and the
// package's own rules as of now. Codes: not_found (unknown name), invalid.
func ValidateAs(name string, doc []byte, now time.Time) error {
	return published.ValidateAt(name, doc, now)
}

// ValidateAt checks a referral document against referral.schema.json and
// the rules the schema cannot say (the NHS number's check digit, consent
// to be referred, consistent consents, no date of birth, consent or
// receipt after now), all at once: it returns nil or CodeInvalid listing
// every failing JSON pointer and rule, the schema's and the rules' side
// by side. It is what [Decode] checks, and what the host's API and the
// command line's validate run.
func ValidateAt(doc []byte, now time.Time) error {
	_, err := Decode(doc, now)
	return err
}

// Validate is [ValidateAt] without the rules about the present: a
// document whose date of birth or consent lies in the future passes it.
// Check a document received from outside with ValidateAt.
func Validate(doc []byte) error { return ValidateAt(doc, time.Time{}) }

// Decode validates a referral document as [Validate] does and returns the
// referral with its NHS number and postcode normalised. Codes: invalid.
func Decode(doc []byte, now time.Time) (*Referral, error) {
	r, err := schema.Check(doc, referralValidator, func(r *Referral) error { return r.Check(now) })
	if err != nil {
		return nil, err
	}
	r.Person, _ = r.Person.check(now)
	return &r, nil
}

// DecodeOnwardReferral validates an onward referral document against
// onward_referral.schema.json and returns it. Codes: invalid.
func DecodeOnwardReferral(doc []byte) (*OnwardReferral, error) {
	o, err := schema.Check[OnwardReferral](doc, onwardValidator, nil)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

var partnerViewValidator = schema.MustCompile("partner_view.schema.json", partnerViewSchema)

// ValidatePartnerView checks a partner view document against
// partner_view.schema.json. Codes: invalid.
func ValidatePartnerView(doc []byte) error { return partnerViewValidator.Validate(doc) }
