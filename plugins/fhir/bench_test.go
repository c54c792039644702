package fhir_test

import (
	"encoding/json"
	"testing"

	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// benchReferral is an active referral with every consent recorded.
func benchReferral(b *testing.B) *referral.Referral {
	return step(b, newReferral(b, nil), referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive})
}

// BenchmarkReferralToFHIR maps a referral to its Patient, ServiceRequest,
// Task and Consents.
func BenchmarkReferralToFHIR(b *testing.B) {
	r := benchReferral(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhir.ReferralToFHIR(r, fhir.DefaultService()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferralFromFHIR maps the resources back to a referral,
// including the check against referral.schema.json.
func BenchmarkReferralFromFHIR(b *testing.B) {
	res, err := fhir.ReferralToFHIR(benchReferral(b), fhir.DefaultService())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhir.ReferralFromFHIR(res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferralRoundTripJSON is the whole way: referral to FHIR, the
// transaction Bundle as JSON, and that JSON decoded back to a referral.
func BenchmarkReferralRoundTripJSON(b *testing.B) {
	r := benchReferral(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
		if err != nil {
			b.Fatal(err)
		}
		doc, err := json.Marshal(res.Transaction())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fhir.DecodeReferralBundle(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOnwardRoundTrip maps an onward referral to FHIR and back.
func BenchmarkOnwardRoundTrip(b *testing.B) {
	o := newOnward(b, referral.ShareFull)
	b.ReportAllocs()
	for b.Loop() {
		res, err := fhir.OnwardToFHIR(o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fhir.OnwardFromFHIR(res); err != nil {
			b.Fatal(err)
		}
	}
}
