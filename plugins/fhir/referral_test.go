package fhir_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// viaJSON sends the resources through JSON, as a server would return them.
func viaJSON(t testing.TB, res *fhir.ReferralResources) *fhir.ReferralResources {
	t.Helper()
	out := &fhir.ReferralResources{Base: res.Base}
	through := func(in, out any) {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, out))
	}
	out.Patient, out.ServiceRequest = new(fhir.Patient), new(fhir.ServiceRequest)
	through(res.Patient, out.Patient)
	through(res.ServiceRequest, out.ServiceRequest)
	if res.Task != nil {
		out.Task = new(fhir.Task)
		through(res.Task, out.Task)
	}
	for _, c := range res.Consents {
		var cc fhir.Consent
		through(c, &cc)
		out.Consents = append(out.Consents, &cc)
	}
	return out
}

// requireValidResources checks every resource against the official
// schema: the transaction Bundle holds them all.
func requireValidResources(t testing.TB, res *fhir.ReferralResources) {
	t.Helper()
	n := 2 + len(res.Consents)
	if res.Task != nil {
		n++
	}
	tx := res.Transaction()
	require.Len(t, tx.Entry, n, "every resource is in the transaction")
	requireValidFHIR(t, tx)
}

func TestReferralRoundTrip(t *testing.T) {
	cases := map[string]func(t *testing.T) *referral.Referral{
		"received": func(t *testing.T) *referral.Referral { return newReferral(t, nil) },
		"new, not yet received": func(t *testing.T) *referral.Referral {
			r := newReferral(t, nil)
			r.Status, r.Episode, r.History = "", 0, nil
			return r
		},
		"accepted, with an owner": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted})
		},
		"declined": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineOutOfArea})
		},
		"active": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive})
		},
		"on hold": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive},
				referral.Change{To: referral.StatusOnHold, Reason: referral.HoldHospitalStay})
		},
		"re-opened as episode 2": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive},
				referral.Change{To: referral.StatusClosed, Reason: referral.CloseGoalsMet}, referral.Change{To: referral.StatusAccepted})
		},
		"closed": func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive},
				referral.Change{To: referral.StatusClosed, Reason: referral.CloseGoalsMet})
		},
		"self-referral without an NHS number": func(t *testing.T) *referral.Referral {
			return newReferral(t, func(in *referral.Referral) {
				in.Referrer = referral.Referrer{Kind: referral.SourceSelf, Name: "Peggy O'Neill", Email: "peggy@example.org"}
				in.Person.NHSNumber = ""
			})
		},
		"referred by a carer": func(t *testing.T) *referral.Referral {
			return newReferral(t, func(in *referral.Referral) {
				in.Referrer = referral.Referrer{Kind: referral.SourceFamilyOrCarer, Name: "Sean O'Neill", Phone: "07700 900456"}
			})
		},
		"from a housing officer": func(t *testing.T) *referral.Referral {
			return newReferral(t, func(in *referral.Referral) {
				in.Referrer = referral.Referrer{Kind: referral.SourceHousing, Name: "Tom Reed", Organisation: "Borough Housing"}
				in.Urgency = referral.UrgencyUrgent
			})
		},
		"consent withdrawn": func(t *testing.T) *referral.Referral {
			r := newReferral(t, func(in *referral.Referral) {
				in.Consents.ContactForFeedback = referral.Consent{Given: true, RecordedBy: "lw-amira", RecordedAt: t0.Add(-90 * time.Minute)}
			})
			require.NoError(t, r.WithdrawConsent(referral.ConsentFeedback, linkWorker, t0.Add(time.Minute), t0.Add(time.Hour), "does not want calls"))
			return r
		},
		"minimal": func(t *testing.T) *referral.Referral {
			return newReferral(t, func(in *referral.Referral) {
				in.Person = referral.Person{GivenName: "Ann", FamilyName: "Lee"}
				in.Referrer = referral.Referrer{Kind: referral.SourcePharmacy, Name: "Boots Pharmacy"}
				in.Needs = []socialrx.Need{socialrx.NeedDebtMoney}
				in.Reason, in.Urgency = "", referral.UrgencyRoutine
				in.Consents = referral.Consents{Referral: referral.Consent{Given: true, RecordedBy: "pharm", RecordedAt: t0.Add(-2 * time.Hour)}}
			})
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			r := build(t)
			res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
			require.NoError(t, err)
			requireValidResources(t, res)

			got, err := fhir.ReferralFromFHIR(viaJSON(t, res))
			require.NoError(t, err)
			jsonEq(t, carried(r), got, "resources → referral")

			bundle, err := json.Marshal(res.Transaction())
			require.NoError(t, err)
			fromBundle, err := fhir.DecodeReferralBundle(bundle)
			require.NoError(t, err)
			jsonEq(t, carried(r), fromBundle, "transaction bundle → referral")
		})
	}
}

func TestReferralStatusMapping(t *testing.T) {
	want := map[referral.Status]struct{ task, sr string }{
		"":                      {"requested", "active"},
		referral.StatusReceived: {"received", "active"},
		referral.StatusAccepted: {"accepted", "active"},
		referral.StatusDeclined: {"rejected", "revoked"},
		referral.StatusActive:   {"in-progress", "active"},
		referral.StatusOnHold:   {"on-hold", "on-hold"},
		referral.StatusClosed:   {"completed", "completed"},
	}
	require.Len(t, want, len(referral.Status("").EnumValues())+1, "every status is in the table")
	for status, w := range want {
		t.Run(string(status), func(t *testing.T) {
			r := newReferral(t, nil)
			r.Status = status
			if status == "" {
				r.Episode = 0
			}
			res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
			require.NoError(t, err)
			assert.Equal(t, w.task, res.Task.Status, "Task.status")
			assert.Equal(t, w.sr, res.ServiceRequest.Status, "ServiceRequest.status")

			// Without the socialrx business status, the Gravity status alone
			// gives the same referral status.
			res.Task.BusinessStatus = nil
			got, err := fhir.ReferralFromFHIR(res)
			require.NoError(t, err)
			assert.Equal(t, status, got.Status)
		})
	}
}

func TestReferralToFHIRElements(t *testing.T) {
	r := step(t, newReferral(t, nil), referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineDeclinedByPerson})
	res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
	require.NoError(t, err)

	assert.Equal(t, []fhir.Identifier{{System: "https://fhir.nhs.uk/Id/nhs-number", Value: "9434765919"}}, res.Patient.Identifier)
	assert.Equal(t, "1948-03-14", res.Patient.BirthDate)
	require.NotNil(t, res.ServiceRequest.Code)
	assert.Equal(t, fhir.Coding{System: "http://snomed.info/sct", Code: "871731000000106", Display: "Referral to social prescribing service"}, res.ServiceRequest.Code.Coding[0])
	assert.Equal(t, "urgent", res.ServiceRequest.Priority, "soon is FHIR urgent")
	assert.Equal(t, r.ID, res.ServiceRequest.Identifier[0].Value)
	assert.Equal(t, "rejected", res.Task.Status)
	assert.Equal(t, "declined_by_person", res.Task.StatusReason.Coding[0].Code, "the decline reason")
	assert.Equal(t, res.ServiceRequest.Subject, *res.Task.For, "the Task is for the same patient")

	require.Len(t, res.Consents, 3, "one Consent per consent recorded; contact for feedback was never asked")
	kinds := map[string]*fhir.Consent{}
	for _, c := range res.Consents {
		kinds[c.Category[1].Coding[0].Code] = c
		assert.Equal(t, "59284-0", c.Category[0].Coding[0].Code)
		assert.Equal(t, res.ServiceRequest.Subject.Reference, c.Patient.Reference)
		assert.Equal(t, res.ServiceRequest.Subject.Reference, c.Performer[0].Reference, "performer: the person agreeing")
		assert.Equal(t, t0.Add(-2*time.Hour).Format(time.RFC3339Nano), c.DateTime)
	}
	assert.Equal(t, "permit", kinds["referral"].Provision.Type)
	assert.Equal(t, "treatment", kinds["referral"].Scope.Coding[0].Code)
	assert.Equal(t, "deny", kinds["evaluation"].Provision.Type, "a consent refused")
	assert.Equal(t, "active", kinds["evaluation"].Status)
	assert.Len(t, res.ServiceRequest.SupportingInfo, 3)
}

func TestConsentWithdrawn(t *testing.T) {
	at := t0.Add(-30 * time.Minute)
	c := referral.Consent{Given: true, Scope: referral.ShareMinimal, RecordedBy: "lw-amira", RecordedAt: t0.Add(-time.Hour),
		WithdrawnAt: &at, WithdrawnBy: "lw-bo", WithdrawalNote: "moved to another scheme"}
	fc := fhir.ConsentToFHIR("4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11", referral.ConsentShare, c, "Patient/1")
	requireValidFHIR(t, fc)
	assert.Equal(t, "inactive", fc.Status, "a withdrawn consent is inactive")
	assert.Equal(t, at.Format(time.RFC3339Nano), fc.Provision.Period.End)
	assert.Equal(t, "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11/share_with_partners", fc.Identifier[0].Value)

	k, back, err := fhir.ConsentFromFHIR(fc)
	require.NoError(t, err)
	assert.Equal(t, referral.ConsentShare, k)
	jsonEq(t, c, back, "consent round trip")

	assert.Nil(t, fhir.ConsentToFHIR("x", referral.ConsentFeedback, referral.Consent{}, "Patient/1"), "a consent never asked has no resource")
}

func TestReferralFromFHIRInvalid(t *testing.T) {
	cases := map[string]struct {
		edit func(res *fhir.ReferralResources)
		path string
	}{
		"no needs": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.ReasonCode = res.ServiceRequest.ReasonCode[2:]
		}, "/referral/needs"},
		"unknown need code": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.ReasonCode[0].Coding[0].Code = "sadness"
		}, "/ServiceRequest/reasonCode/0/coding/0/code"},
		"unknown business status": {func(res *fhir.ReferralResources) {
			res.Task.BusinessStatus.Coding[0].Code = "lost"
		}, "/Task/businessStatus"},
		"Task status outside the workflow": {func(res *fhir.ReferralResources) {
			res.Task.Status, res.Task.BusinessStatus = "draft", nil
		}, "/Task/status"},
		"consent neither active nor inactive": {func(res *fhir.ReferralResources) {
			res.Consents[0].Status = "proposed"
		}, "/Consent/0/status"},
		"consent of no known kind": {func(res *fhir.ReferralResources) {
			res.Consents[1].Category = res.Consents[1].Category[:1]
		}, "/Consent/1/category"},
		"withdrawn consent without a time": {func(res *fhir.ReferralResources) {
			res.Consents[0].Status = "inactive"
		}, "/Consent/0/provision/period/end"},
		"two consents of one kind": {func(res *fhir.ReferralResources) {
			res.Consents = append(res.Consents, res.Consents[0])
		}, "/Consent/3/category"},
		"no consent to be referred": {func(res *fhir.ReferralResources) {
			res.Consents = res.Consents[1:]
		}, "/referral/consents/referral/given"},
		"partial authoredOn": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.AuthoredOn = "2025-03"
		}, "/ServiceRequest/authoredOn"},
		"bad NHS number": {func(res *fhir.ReferralResources) {
			res.Patient.Identifier[0].Value = "9434765910"
		}, "/Patient/identifier/0/value"},
		"partial birth date": {func(res *fhir.ReferralResources) {
			res.Patient.BirthDate = "1948"
		}, "/Patient/birthDate"},
		"unknown contact method": {func(res *fhir.ReferralResources) {
			for i, e := range res.Patient.Extension {
				if e.ValueCode != nil && *e.ValueCode == "phone" {
					v := "pigeon"
					res.Patient.Extension[i].ValueCode = &v
				}
			}
		}, "/Patient/extension/1/valueCode"},
		"no requester": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.Requester = nil
		}, "/ServiceRequest/requester"},
		"requester not contained": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.Requester.Reference = "#someone-else"
		}, "/ServiceRequest/requester/reference"},
		"unknown priority": {func(res *fhir.ReferralResources) {
			res.ServiceRequest.Priority = "whenever"
		}, "/ServiceRequest/priority"},
		"email that is no email": {func(res *fhir.ReferralResources) {
			res.Patient.Telecom[1].Value = "peggy-at-example.org"
		}, "/referral/person/contact/email"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := fhir.ReferralToFHIR(newReferral(t, nil), fhir.DefaultService())
			require.NoError(t, err)
			res = viaJSON(t, res)
			tc.edit(res)
			got, err := fhir.ReferralFromFHIR(res)
			assert.Nil(t, got, "nothing is returned")
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "error: %v", err)
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.Contains(t, paths, tc.path, "error: %v", err)
		})
	}
}

func TestReferralToFHIRInvalid(t *testing.T) {
	r := newReferral(t, nil)
	r.Needs = nil
	_, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))

	r = newReferral(t, nil)
	r.ID = ""
	_, err = fhir.ReferralToFHIR(r, fhir.DefaultService())
	require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, "/id", socialrx.ErrorFields(err)[0].Path)

	// The social prescribing service owns Tasks: a Patient cannot, and a
	// service must say which it is.
	_, err = fhir.ReferralToFHIR(newReferral(t, nil), fhir.Reference{Type: "Patient", Display: "Peggy"})
	require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, "/service/type", socialrx.ErrorFields(err)[0].Path)
	_, err = fhir.ReferralToFHIR(newReferral(t, nil), fhir.Reference{Type: "Organization"})
	assert.Equal(t, []string{"/service"}, paths(err))
	_, err = fhir.New(fhir.Config{BaseURL: "http://127.0.0.1/fhir", Service: fhir.Reference{Display: "untyped"}})
	assert.Equal(t, []string{"/service/type"}, paths(err))
}

// A referral made in a GP system after the same pattern: a referenced
// practitioner, no socialrx identifier and no Task, the reason in a note.
func TestReferralFromAnotherSystem(t *testing.T) {
	doc := []byte(`{"resourceType":"Bundle","type":"searchset","entry":[
	 {"resource":{"resourceType":"ServiceRequest","id":"sr-77","status":"active","intent":"order",
	  "code":{"coding":[{"system":"http://snomed.info/sct","code":"871731000000106"}]},
	  "subject":{"reference":"Patient/p-1"},"authoredOn":"2025-03-07",
	  "requester":{"reference":"Practitioner/gp-9","display":"Dr Ruth Obi"},
	  "reasonCode":[{"coding":[{"system":"https://github.com/socialrx/socialrx/fhir/CodeSystem/need","code":"housing"}]},
	                {"coding":[{"system":"http://snomed.info/sct","code":"105531004","display":"Housing unsatisfactory"}]}],
	  "supportingInfo":[{"reference":"Consent/c-1"}],
	  "note":[{"text":"Damp flat, asthma getting worse."}]}},
	 {"resource":{"resourceType":"Patient","id":"p-1",
	  "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
	  "name":[{"use":"official","family":"Okafor","given":["Chidi","Ben"]},{"use":"nickname","given":["Chid"]}],
	  "telecom":[{"system":"sms","value":"07700 900789"}],
	  "address":[{"use":"old","line":["9 Old Road"]},{"line":["4 New Street"],"city":"Leeds","postalCode":"LS1 4AP"}]}},
	 {"resource":{"resourceType":"Consent","id":"c-1","status":"active","scope":{"coding":[{"code":"treatment"}]},
	  "category":[{"coding":[{"system":"https://github.com/socialrx/socialrx/fhir/CodeSystem/consent-kind","code":"referral"}]}],
	  "dateTime":"2025-03-07T10:00:00+00:00","performer":[{"reference":"Practitioner/gp-9","display":"Dr Ruth Obi"}],"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]}}}]}`)
	requireValidFHIR(t, doc)
	r, err := fhir.DecodeReferralBundle(doc)
	require.NoError(t, err)
	assert.Equal(t, referral.Status(""), r.Status, "no Task: a new referral")
	assert.Equal(t, 0, r.Episode)
	assert.Equal(t, referral.Referrer{Kind: referral.SourceGP, Name: "Dr Ruth Obi"}, r.Referrer)
	assert.Equal(t, []socialrx.Need{socialrx.NeedHousing}, r.Needs)
	assert.Equal(t, "Housing unsatisfactory\n\nDamp flat, asthma getting worse.", r.Reason)
	assert.Equal(t, "Chidi Ben", r.Person.GivenName)
	assert.Equal(t, "Chid", r.Person.PreferredName)
	assert.Equal(t, "07700 900789", r.Person.Contact.Phone)
	assert.Equal(t, "4 New Street, Leeds", r.Person.Contact.Address)
	assert.Equal(t, "LS1 4AP", r.Person.Postcode)
	assert.Equal(t, time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC), r.ReceivedAt)
	assert.True(t, r.Consents.Referral.Active())
	assert.Equal(t, "Dr Ruth Obi", r.Consents.Referral.RecordedBy)

	again, err := fhir.DecodeReferralBundle(doc)
	require.NoError(t, err)
	assert.Equal(t, r.ID, again.ID, "the id derived from the ServiceRequest is stable")
}
