package referral

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// The published JSON Schemas (2020-12), generated from the Go types and
// checked fresh by the tests.
var (
	//go:embed referral.schema.json
	ReferralSchema []byte
	//go:embed onward_referral.schema.json
	OnwardReferralSchema []byte
	//go:embed partner_view.schema.json
	PartnerViewSchema []byte
)

var (
	referralValidator = schema.MustCompile("referral.schema.json", ReferralSchema)
	onwardValidator   = schema.MustCompile("onward_referral.schema.json", OnwardReferralSchema)
)

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

// strictUnmarshal decodes JSON refusing unknown fields and trailing data.
func strictUnmarshal(doc []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return socialrx.Invalid(socialrx.Field("", "cannot decode: %v", err))
	}
	if dec.More() {
		return socialrx.Invalid(socialrx.Field("", "trailing data after the document"))
	}
	return nil
}

var partnerViewValidator = schema.MustCompile("partner_view.schema.json", PartnerViewSchema)

// ValidatePartnerView checks a partner view document against
// partner_view.schema.json. Codes: invalid.
func ValidatePartnerView(doc []byte) error { return partnerViewValidator.Validate(doc) }
