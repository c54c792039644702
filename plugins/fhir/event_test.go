package fhir_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

func codedEvent(snomed string) plugins.CodedEvent {
	return plugins.CodedEvent{IdempotencyKey: "referral/4b7e1f4e/accepted/1", NHSNumber: "9434765919", SNOMED: snomed,
		Display: "Referral to social prescribing service", Date: socialrx.MustParseDate("2025-03-10"),
		ReferralID: "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11"}
}

func TestCodedEventToFHIR(t *testing.T) {
	res, err := fhir.CodedEventToFHIR(codedEvent(referral.SNOMEDReferred), "Patient/p-1")
	require.NoError(t, err)
	requireValidFHIR(t, res)
	proc, ok := res.(*fhir.Procedure)
	require.True(t, ok, "a referral is a Procedure, got %T", res)
	assert.Equal(t, "completed", proc.Status)
	assert.Equal(t, fhir.Coding{System: "http://snomed.info/sct", Code: "871731000000106", Display: "Referral to social prescribing service"}, proc.Code.Coding[0])
	assert.Equal(t, "2025-03-10", proc.PerformedDateTime)
	assert.Equal(t, "Patient/p-1", proc.Subject.Reference)
	assert.Equal(t, fhir.Identifier{System: fhir.SystemIdempotencyKey, Value: "referral/4b7e1f4e/accepted/1"}, proc.Identifier[0])
	assert.Equal(t, "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11", proc.BasedOn[0].Identifier.Value)

	e := codedEvent(referral.SNOMEDDeclined)
	e.Display = "Social prescribing declined"
	res, err = fhir.CodedEventToFHIR(e, "Patient/p-1")
	require.NoError(t, err)
	requireValidFHIR(t, res)
	obs, ok := res.(*fhir.Observation)
	require.True(t, ok, "a declined situation is an Observation, got %T", res)
	assert.Equal(t, "final", obs.Status)
	assert.Equal(t, "871711000000103", obs.Code.Coding[0].Code)
	assert.Equal(t, "2025-03-10", obs.EffectiveDateTime)
}

func TestIdempotencyIdentifier(t *testing.T) {
	// want "" means the key is hashed.
	cases := map[string]string{
		"suite-0b7a":             "suite-0b7a",
		"referral/abc:1.2_x-y":   "referral/abc:1.2_x-y",
		"with space":             "",
		"comma,and|pipe":         "",
		strings.Repeat("k", 129): "",
		"ünïcode":                "",
	}
	for key, want := range cases {
		got := fhir.IdempotencyIdentifier(key)
		assert.Equal(t, fhir.SystemIdempotencyKey, got.System)
		switch {
		case want == "":
			assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, got.Value, "a key FHIR search cannot carry is hashed: %q", key)
		default:
			assert.Equal(t, want, got.Value)
		}
		assert.Equal(t, got, fhir.IdempotencyIdentifier(key), "the same key gives the same identifier")
	}
	assert.NotEqual(t, fhir.IdempotencyIdentifier("a b"), fhir.IdempotencyIdentifier("a c"))
}

func TestCheckCodedEvent(t *testing.T) {
	cases := map[string]struct {
		edit func(e *plugins.CodedEvent)
		path string
	}{
		"no key":             {func(e *plugins.CodedEvent) { e.IdempotencyKey = "" }, "/idempotency_key"},
		"no NHS number":      {func(e *plugins.CodedEvent) { e.NHSNumber = "" }, "/nhs_number"},
		"NHS number spaced":  {func(e *plugins.CodedEvent) { e.NHSNumber = "943 476 5919" }, "/nhs_number"},
		"NHS check digit":    {func(e *plugins.CodedEvent) { e.NHSNumber = "9434765910" }, "/nhs_number"},
		"no SNOMED code":     {func(e *plugins.CodedEvent) { e.SNOMED = "" }, "/snomed"},
		"SNOMED words":       {func(e *plugins.CodedEvent) { e.SNOMED = "social-prescribing" }, "/snomed"},
		"SNOMED check digit": {func(e *plugins.CodedEvent) { e.SNOMED = "871731000000107" }, "/snomed"},
		"no date":            {func(e *plugins.CodedEvent) { e.Date = socialrx.Date{} }, "/date"},
		"no referral":        {func(e *plugins.CodedEvent) { e.ReferralID = "" }, "/referral_id"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := codedEvent(referral.SNOMEDReferred)
			tc.edit(&e)
			err := fhir.CheckCodedEvent(e)
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.path, socialrx.ErrorFields(err)[0].Path)
			_, err = fhir.CodedEventToFHIR(e, "Patient/1")
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		})
	}
	assert.NoError(t, fhir.CheckCodedEvent(codedEvent(referral.SNOMEDReferred)))
}

func TestValidSCTID(t *testing.T) {
	cases := map[string]bool{
		"871731000000106": true, "871711000000103": true, "3457005": true, "306206005": true,
		"871731000000107": false, "0871731000000106": false, "12345": false, "1234567890123456789": false,
		"": false, "87173100000010a": false,
	}
	for s, want := range cases {
		assert.Equal(t, want, fhir.ValidSCTID(s), "%q", s)
	}
}
