package fhir_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// The tests of the places where the mapping once departed from FHIR R4 or
// the Gravity SDOH Clinical Care guide (issue 13), each checked against the
// official schema and the invariants too.

// A referral's Task says who asked (the referrer, Gravity's 1..1
// requester) and who owns it at every status: the social prescribing
// service until a link worker takes it on, and again when no one does.
func TestReferralTaskRequesterAndOwner(t *testing.T) {
	cases := map[string]struct {
		r             func(t *testing.T) *referral.Referral
		requesterType string
		owner         string // "service" or the link worker's user id
	}{
		"new": {func(t *testing.T) *referral.Referral {
			r := newReferral(t, nil)
			r.Status, r.Episode, r.History = "", 0, nil
			return r
		}, "PractitionerRole", "service"},
		"received": {func(t *testing.T) *referral.Referral { return newReferral(t, nil) }, "PractitionerRole", "service"},
		"declined": {func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineOutOfArea})
		}, "PractitionerRole", "service"},
		"accepted by a link worker": {func(t *testing.T) *referral.Referral {
			return step(t, newReferral(t, nil), referral.Change{To: referral.StatusAccepted})
		}, "PractitionerRole", linkWorker.ID},
		"self-referral, received": {func(t *testing.T) *referral.Referral {
			return newReferral(t, func(in *referral.Referral) {
				in.Referrer = referral.Referrer{Kind: referral.SourceSelf, Name: "Peggy O'Neill"}
			})
		}, "RelatedPerson", "service"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := fhir.ReferralToFHIR(tc.r(t), fhir.DefaultService())
			require.NoError(t, err)
			requireValidResources(t, res)
			task := res.Task
			if assert.NotNil(t, task.Requester, "Task.requester") {
				assert.Equal(t, "#referrer", task.Requester.Reference, "the referrer, contained in the Task as in the ServiceRequest")
				assert.Contains(t, string(mustMarshal(t, task)), `"contained":[{"resourceType":"`+tc.requesterType+`"`)
			}
			if task.Status == "rejected" {
				assert.Equal(t, "out of area", task.StatusReason.Text, "Gravity: statusReason.text when rejected")
			}
			require.NotNil(t, task.Owner, "Task.owner")
			if tc.owner == "service" {
				assert.Equal(t, "HealthcareService", task.Owner.Type)
				assert.Equal(t, "Social prescribing service", task.Owner.Display)
			} else {
				assert.Equal(t, tc.owner, task.Owner.Identifier.Value)
				assert.Equal(t, "Practitioner", task.Owner.Type)
			}
		})
	}
}

// Consent.performer is "who is agreeing to the policy and rules" (R4): the
// person, not the clinician who recorded it; who recorded it travels in
// the core consent-Transcriber extension.
func TestConsentPerformerIsThePerson(t *testing.T) {
	r := newReferral(t, nil)
	res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
	require.NoError(t, err)
	requireValidResources(t, res)
	for _, c := range res.Consents {
		require.Len(t, c.Performer, 1)
		assert.Equal(t, res.ServiceRequest.Subject.Reference, c.Performer[0].Reference, "the patient agrees")
		var transcriber *fhir.Reference
		for _, e := range c.Extension {
			if e.URL == "http://hl7.org/fhir/StructureDefinition/consent-Transcriber" {
				transcriber = e.ValueReference
			}
		}
		require.NotNil(t, transcriber, "who recorded it")
		assert.Equal(t, "dr-patel", transcriber.Identifier.Value)
	}
	got, err := fhir.ReferralFromFHIR(viaJSON(t, res))
	require.NoError(t, err)
	assert.Equal(t, "dr-patel", got.Consents.Referral.RecordedBy, "who recorded it comes back")

	// Another system's Consent without the extension: who recorded it is
	// the performer other than the patient, as before.
	res.Consents[0].Extension = nil
	res.Consents[0].Performer = append(res.Consents[0].Performer, fhir.Reference{Reference: "Practitioner/gp-9", Display: "Dr Ruth Obi"})
	got, err = fhir.ReferralFromFHIR(viaJSON(t, res))
	require.NoError(t, err)
	assert.Equal(t, "Dr Ruth Obi", got.Consents.Referral.RecordedBy)
}

// A language with neither a code nor a name is no language: an entry with
// only its id would break ele-1.
func TestServiceLanguageWithoutWords(t *testing.T) {
	s := sampleService()
	s.Languages = append(s.Languages, directory.Language{ID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", Note: "on request"})
	h, err := fhir.ServiceToFHIR(s)
	require.NoError(t, err)
	requireValidFHIR(t, h)
	assert.Len(t, h.Communication, 1, "only the language that says which")
}

// An ORUK service may nest its organization instead of naming its id:
// the organization still provides the service.
func TestServiceNestedOrganization(t *testing.T) {
	s := sampleService()
	org := s.OrganizationID
	s.OrganizationID = ""
	s.Organization = &directory.Organization{ID: org, Name: "Riverside Walks CIC", Description: "Walks by the river."}
	h, err := fhir.ServiceToFHIR(s)
	require.NoError(t, err)
	requireValidFHIR(t, h)
	require.NotNil(t, h.ProvidedBy, "providedBy")
	assert.Equal(t, org, h.ProvidedBy.Identifier.Value)
	assert.Equal(t, "Riverside Walks CIC", h.ProvidedBy.Display)
	back, err := fhir.ServiceFromFHIR(through[fhir.HealthcareService](t, h))
	require.NoError(t, err)
	assert.Equal(t, org, back.OrganizationID)
}

// A dropped goal is abandoned: lifecycleStatus cancelled (R4: "The goal
// has been abandoned"), not on-hold; a changed goal is cancelled too, and
// the two come back apart. Goals written as on-hold before still read as
// dropped.
func TestGoalDroppedIsCancelled(t *testing.T) {
	for _, status := range []plan.GoalStatus{plan.GoalDropped, plan.GoalChanged} {
		g := sampleGoal(status)
		fg, err := fhir.GoalToFHIR(planID, 0, g, "Patient/p-1")
		require.NoError(t, err)
		assert.Equal(t, "cancelled", fg.LifecycleStatus, "%s", status)
		_, _, back, err := fhir.GoalFromFHIR(through[fhir.Goal](t, fg))
		require.NoError(t, err)
		assert.Equal(t, status, back.Status)
	}
	fg, err := fhir.GoalToFHIR(planID, 0, sampleGoal(plan.GoalDropped), "Patient/p-1")
	require.NoError(t, err)
	fg.Extension, fg.LifecycleStatus = fg.Extension[:1], "on-hold"
	_, _, back, err := fhir.GoalFromFHIR(fg)
	require.NoError(t, err)
	assert.Equal(t, plan.GoalDropped, back.Status, "an on-hold goal from before")
	fg.LifecycleStatus = "cancelled"
	_, _, back, err = fhir.GoalFromFHIR(fg)
	require.NoError(t, err)
	assert.Equal(t, plan.GoalDropped, back.Status, "another system's cancelled goal was abandoned")
}

// The sessions the partner reports come back from FHIR: attended ones and
// missed ones, with their notes, who recorded them and when.
func TestOnwardAttendanceRoundTrip(t *testing.T) {
	o := newOnward(t, referral.ShareFull)
	o.Status = referral.TaskAccepted
	d := socialrx.DateOf(t0)
	require.NoError(t, o.RecordAttendance(partner, d, false, "unwell", t0.Add(30*time.Minute)))
	require.NoError(t, o.RecordAttendance(partner, d, true, "", t0.Add(40*time.Minute)))
	require.Len(t, o.Attendance, 2)
	res, err := fhir.OnwardToFHIR(o)
	require.NoError(t, err)
	requireValidFHIR(t, res.Transaction())
	b := mustMarshal(t, res.Transaction())
	got, err := fhir.DecodeOnwardBundle(b)
	require.NoError(t, err)
	jsonEq(t, o.Attendance, got.Attendance, "attendance round trip")
}

// A session the partner's own system reported, without socialrx's
// recorder or time: recorded by the partner, on its day. A session
// neither completed nor not-done is refused at its pointer.
func TestOnwardSessionsFromAnotherSystem(t *testing.T) {
	res, err := fhir.OnwardToFHIR(newOnward(t, referral.ShareFull))
	require.NoError(t, err)
	res.Task.Status = "in-progress"
	res.Task.Contained = append(res.Task.Contained, []byte(`{"resourceType":"Procedure","id":"s1","status":"completed","code":{"text":"Walk"},"subject":{"reference":"Patient/1"},"performedDateTime":"2025-03-11"}`))
	res.Task.Output = append(res.Task.Output, fhir.TaskOutput{
		Type:           fhir.CodeableConcept{Coding: []fhir.Coding{{System: "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes", Code: "resulting-activity"}}},
		ValueReference: &fhir.Reference{Reference: "#s1"}})
	requireValidFHIR(t, res.Transaction())
	got, err := fhir.OnwardFromFHIR(res)
	require.NoError(t, err)
	jsonEq(t, []referral.Attendance{{Date: socialrx.MustParseDate("2025-03-11"), Attended: true, RecordedBy: partnerOrg,
		RecordedAt: time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)}}, got.Attendance, "a session from the partner's system")

	res.Task.Contained[0] = []byte(`{"resourceType":"Procedure","id":"s1","status":"in-progress","code":{"text":"Walk"},"subject":{"reference":"Patient/1"}}`)
	_, err = fhir.OnwardFromFHIR(res)
	assert.ElementsMatch(t, []string{"/Task/contained/0/status", "/Task/contained/0/performedDateTime"}, paths(err))
}

// Needs carry socialrx's code and, where socialrx maps the need to SNOMED
// CT, the SNOMED CT concept, in referrals, goals and services alike; the
// SNOMED coding does not change what is read back.
func TestNeedsCodedInSNOMEDWhereMapped(t *testing.T) {
	r := newReferral(t, func(in *referral.Referral) { in.Needs = []socialrx.Need{socialrx.NeedHousing, socialrx.NeedLoneliness} })
	res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
	require.NoError(t, err)
	housing := res.ServiceRequest.ReasonCode[0].Coding
	require.Len(t, housing, 2)
	assert.Equal(t, fhir.Coding{System: fhir.SystemSNOMED, Code: "365500004", Display: "Housing, local environment and transport finding"}, housing[1])
	assert.Len(t, res.ServiceRequest.ReasonCode[1].Coding, 1, "loneliness has no checked SNOMED CT mapping")
	got, err := fhir.ReferralFromFHIR(viaJSON(t, res))
	require.NoError(t, err)
	assert.Equal(t, r.Needs, got.Needs)

	g := sampleGoal(plan.GoalInProgress)
	g.Need = socialrx.NeedHousing
	fg, err := fhir.GoalToFHIR(planID, 0, g, "Patient/p-1")
	require.NoError(t, err)
	assert.Equal(t, "365500004", fg.Category[0].Coding[1].Code)
	s := sampleService()
	s.Extensions.Needs = []socialrx.Need{socialrx.NeedHousing}
	h, err := fhir.ServiceToFHIR(s)
	require.NoError(t, err)
	assert.Equal(t, "365500004", h.Category[0].Coding[1].Code)
}
