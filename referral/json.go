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
	"referral": {JSON: referralSchema, Validate: Validate},
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
// package's own rules. Codes: not_found (unknown name), invalid.
func ValidateAs(name string, doc []byte) error { return published.Validate(name, doc) }

// Validate checks a referral document against referral.schema.json and
// the rules the schema cannot say (the NHS number's check digit, consent
// to be referred, consistent consents). It returns nil or CodeInvalid
// listing every failing JSON pointer and rule.
func Validate(doc []byte) error {
	_, err := decode(doc, time.Time{})
	return err
}

// Decode validates a referral document as [Validate] does, also refusing a
// date of birth or consent after now, and returns the referral with its NHS
// number and postcode normalised. Codes: invalid.
func Decode(doc []byte, now time.Time) (*Referral, error) {
	return decode(doc, now)
}

func decode(doc []byte, now time.Time) (*Referral, error) {
	if err := referralValidator.Validate(doc); err != nil {
		return nil, err
	}
	var r Referral
	if err := strictUnmarshal(doc, &r); err != nil {
		return nil, err
	}
	if err := r.Check(now); err != nil {
		return nil, err
	}
	p, _ := r.Person.check(now)
	r.Person = p
	return &r, nil
}

// DecodeOnwardReferral validates an onward referral document against
// onward_referral.schema.json and returns it. Codes: invalid.
func DecodeOnwardReferral(doc []byte) (*OnwardReferral, error) {
	if err := onwardValidator.Validate(doc); err != nil {
		return nil, err
	}
	var o OnwardReferral
	if err := strictUnmarshal(doc, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// strictUnmarshal decodes JSON refusing unknown fields and trailing data,
// naming the pointer of a value its Go field cannot hold.
func strictUnmarshal(doc []byte, v any) error { return schema.DecodeStrict(doc, v) }

var partnerViewValidator = schema.MustCompile("partner_view.schema.json", partnerViewSchema)

// ValidatePartnerView checks a partner view document against
// partner_view.schema.json. Codes: invalid.
func ValidatePartnerView(doc []byte) error { return partnerViewValidator.Validate(doc) }
