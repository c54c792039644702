package fhir_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// seedBundles are transaction Bundles of referrals in several states.
func seedBundles(f *testing.F) [][]byte {
	var out [][]byte
	for _, r := range []*referral.Referral{
		newReferral(f, nil),
		step(f, newReferral(f, nil), referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineOutOfArea}),
		newReferral(f, func(in *referral.Referral) {
			in.Referrer = referral.Referrer{Kind: referral.SourceSelf, Name: "Peggy"}
			in.Person.NHSNumber = ""
		}),
	} {
		res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(res.Transaction())
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// mustBeInvalid fails unless err is an invalid socialrx.Error.
func mustBeInvalid(t *testing.T, err error, doc []byte) {
	if c := socialrx.ErrorCode(err); c != socialrx.CodeInvalid {
		t.Fatalf("code %q (%v) for %q", c, err, doc)
	}
}

// FuzzDecodeReferralBundle feeds arbitrary bytes to the referral decoder:
// it must not panic, must fail only with invalid, and a referral it
// accepts must map back to FHIR and decode again to the same referral.
// (The official schema is checked on what the mapping emits in the other
// tests: compiling it in every fuzz worker would leave no time to fuzz.)
func FuzzDecodeReferralBundle(f *testing.F) {
	for _, b := range seedBundles(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"ServiceRequest","id":"1","status":"active","intent":"order","subject":{"reference":"Patient/1"},"requester":{"reference":"Patient/1","display":"Ann"},"reasonCode":[{"coding":[{"system":"https://github.com/socialrx/socialrx/fhir/CodeSystem/need","code":"housing"}]}]}},{"resource":{"resourceType":"Patient","id":"1","name":[{"given":["Ann"],"family":"Lee"}]}},{"resource":{"resourceType":"Consent","status":"active","category":[{"coding":[{"system":"https://github.com/socialrx/socialrx/fhir/CodeSystem/consent-kind","code":"referral"}]}],"dateTime":"2025-01-01","performer":[{"display":"x"}],"provision":{"type":"permit"}}}]}`))
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","birthDate":7}}]}`))
	f.Add([]byte(`{"resourceType":"Patient"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := fhir.DecodeReferralBundle(doc)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
		if err != nil {
			t.Fatalf("an accepted referral does not map back to FHIR: %v", err)
		}
		b, err := json.Marshal(res.Transaction())
		if err != nil {
			t.Fatal(err)
		}
		again, err := fhir.DecodeReferralBundle(b)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		r1, _ := json.Marshal(r)
		r2, _ := json.Marshal(again)
		if !bytes.Equal(r1, r2) {
			t.Fatalf("the round trip changed the referral:\n%s\n%s", r1, r2)
		}
	})
}

// FuzzDecodeOnwardBundle does the same for onward referrals.
func FuzzDecodeOnwardBundle(f *testing.F) {
	for _, scope := range []referral.ShareScope{referral.ShareMinimal, referral.ShareFull} {
		res, err := fhir.OnwardToFHIR(newOnward(f, scope))
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(res.Transaction())
		f.Add(b)
	}
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Task","status":"in_progress"}}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		o, err := fhir.DecodeOnwardBundle(doc)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		res, err := fhir.OnwardToFHIR(o)
		if err != nil {
			t.Fatalf("an accepted onward referral does not map back to FHIR: %v", err)
		}
		b, _ := json.Marshal(res.Transaction())
		again, err := fhir.DecodeOnwardBundle(b)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		o1, _ := json.Marshal(o)
		o2, _ := json.Marshal(again)
		if !bytes.Equal(o1, o2) {
			t.Fatalf("the round trip changed the onward referral:\n%s\n%s", o1, o2)
		}
	})
}

// FuzzDecodePatient feeds arbitrary bytes to the Patient decoder.
func FuzzDecodePatient(f *testing.F) {
	b, _ := json.Marshal(fhir.PatientOf(newReferral(f, nil).Person))
	f.Add(b)
	f.Add([]byte(`{"resourceType":"Patient","name":[{"use":"old","given":["A"]},{"use":"nickname","given":["B"]}],"address":[{"line":["1"],"city":"C"}],"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"cy"}]}}]}`))
	f.Add([]byte(`{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"943 476 5919"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := fhir.DecodePatient(doc)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		b, err := json.Marshal(fhir.PatientOf(p))
		if err != nil {
			t.Fatal(err)
		}
		again, err := fhir.DecodePatient(b)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		p1, _ := json.Marshal(p)
		p2, _ := json.Marshal(again)
		if !bytes.Equal(p1, p2) {
			t.Fatalf("the round trip changed the person:\n%s\n%s", p1, p2)
		}
	})
}

// answer is an http.RoundTripper that gives one canned answer.
type answer struct {
	status int
	body   []byte
}

func (a answer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: req}, nil
}

// FuzzServerAnswer feeds arbitrary answers of a FHIR server to the
// adapter's calls (and arbitrary cursors to PullReferrals): each call
// returns a socialrx.Error with a code the contract allows, or a result.
func FuzzServerAnswer(f *testing.F) {
	f.Add(200, []byte(`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}}]}`), "")
	f.Add(200, []byte(`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"ServiceRequest","id":"s1","meta":{"lastUpdated":"2025-01-01T00:00:00Z"},"status":"active","intent":"order","subject":{"reference":"Patient/p1"}}}]}`), "fhir1.eyJ0IjoiMjAyNS0wMS0wMVQwMDowMDowMFoiLCJpZCI6InMxIn0")
	f.Add(201, []byte(`{"resourceType":"Procedure","id":"x"}`), "")
	f.Add(400, []byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","expression":["Patient.name[0]"]}]}`), "%%%")
	f.Add(503, []byte(`<html/>`), "fhir1.")
	f.Add(412, []byte(`{}`), "fhir1.e30")
	f.Fuzz(func(t *testing.T, status int, body []byte, cur string) {
		if status < 100 || status > 999 {
			return
		}
		c, err := fhir.New(fhir.Config{BaseURL: "http://fhir.test/R4", HTTPClient: &http.Client{Transport: answer{status, body}, Timeout: time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		allowed := func(call string, err error, codes ...socialrx.Code) {
			if err == nil {
				return
			}
			got := socialrx.ErrorCode(err)
			for _, c := range codes {
				if got == c {
					return
				}
			}
			t.Fatalf("%s: code %q (%v) for %d %q", call, got, err, status, body)
		}
		doc, err := c.LookupPerson(t.Context(), "9434765919")
		allowed("LookupPerson", err, socialrx.CodeInvalid, socialrx.CodeNotFound, socialrx.CodeConflict, socialrx.CodeUnavailable)
		if err == nil && !json.Valid(doc) {
			t.Fatalf("LookupPerson returned %q", doc)
		}
		_, err = c.RecordEvent(t.Context(), codedEvent(referral.SNOMEDReferred))
		allowed("RecordEvent", err, socialrx.CodeInvalid, socialrx.CodeNotFound, socialrx.CodeConflict, socialrx.CodeUnavailable)
		b, err := c.PullReferrals(t.Context(), cur, 10)
		allowed("PullReferrals", err, socialrx.CodeInvalid, socialrx.CodeNotFound, socialrx.CodeConflict, socialrx.CodeUnavailable)
		if err == nil {
			for _, r := range b.Referrals {
				if err := referral.Validate(r); err != nil {
					t.Fatalf("PullReferrals returned an invalid referral: %v\n%s", err, r)
				}
			}
		}
	})
}

// FuzzDecodeGoal feeds arbitrary bytes to the Goal decoder.
func FuzzDecodeGoal(f *testing.F) {
	for _, s := range plan.GoalStatus("").EnumValues() {
		g, err := fhir.GoalToFHIR(planID, 1, sampleGoal(plan.GoalStatus(s)), "Patient/1")
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(g)
		f.Add(b)
	}
	f.Add([]byte(`{"resourceType":"Goal","lifecycleStatus":"active","description":{"coding":[{"display":"walk"}]},"startDate":"2025-01-01"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		id, index, g, err := fhir.DecodeGoal(doc)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		fg, err := fhir.GoalToFHIR(id, index, g, "Patient/1")
		if err != nil {
			t.Fatalf("an accepted goal does not map back to FHIR: %v", err)
		}
		b, _ := json.Marshal(fg)
		id2, index2, again, err := fhir.DecodeGoal(b)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		g1, _ := json.Marshal(g)
		g2, _ := json.Marshal(again)
		if id != id2 || index != index2 || !bytes.Equal(g1, g2) {
			t.Fatalf("the round trip changed the goal:\n%s\n%s", g1, g2)
		}
	})
}

// FuzzDecodeHealthcareService feeds arbitrary bytes to the
// HealthcareService decoder.
func FuzzDecodeHealthcareService(f *testing.F) {
	h, err := fhir.ServiceToFHIR(sampleService())
	if err != nil {
		f.Fatal(err)
	}
	b, _ := json.Marshal(h)
	f.Add(b)
	f.Add([]byte(`{"resourceType":"HealthcareService","identifier":[{"system":"` + fhir.SystemService + `","value":"0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}],"name":"x","availableTime":[{"daysOfWeek":["mon"],"allDay":true}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := fhir.DecodeHealthcareService(doc)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		h, err := fhir.ServiceToFHIR(s)
		if err != nil {
			t.Fatalf("an accepted service does not map back to FHIR: %v", err)
		}
		b, _ := json.Marshal(h)
		again, err := fhir.DecodeHealthcareService(b)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		s1, _ := json.Marshal(s)
		s2, _ := json.Marshal(again)
		if !bytes.Equal(s1, s2) {
			t.Fatalf("the round trip changed the service:\n%s\n%s", s1, s2)
		}
	})
}

// FuzzDecodeQuestionnaireResponse feeds arbitrary bytes to the
// QuestionnaireResponse decoder.
func FuzzDecodeQuestionnaireResponse(f *testing.F) {
	for _, instrument := range []string{outcomes.UCLA3, outcomes.MYCaW} {
		qr, err := fhir.MeasurementToFHIR(sampleMeasurement(instrument), "")
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(qr)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := fhir.DecodeQuestionnaireResponse(doc, nil)
		if err != nil {
			mustBeInvalid(t, err, doc)
			return
		}
		qr, err := fhir.MeasurementToFHIR(m, "")
		if err != nil {
			t.Fatalf("an accepted measurement does not map back to FHIR: %v", err)
		}
		b, _ := json.Marshal(qr)
		again, err := fhir.DecodeQuestionnaireResponse(b, nil)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		m1, _ := json.Marshal(m)
		m2, _ := json.Marshal(again)
		if !bytes.Equal(m1, m2) {
			t.Fatalf("the round trip changed the measurement:\n%s\n%s", m1, m2)
		}
	})
}
