package fhir_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

func TestRecordEventOnServer(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	patient := addPatient(t, c, knownNHS)

	e := codedEvent(referral.SNOMEDReferred)
	ref, err := c.RecordEvent(ctx, e)
	require.NoError(t, err)
	assert.Regexp(t, `^Procedure/[A-Za-z0-9.-]+$`, ref)
	doc, err := c.Read(ctx, "Procedure", ref[len("Procedure/"):])
	require.NoError(t, err)
	proc := decodeJSON[fhir.Procedure](t, doc)
	assert.Equal(t, patient, proc.Subject.Reference, "filed in the patient's record")
	assert.Equal(t, referral.SNOMEDReferred, proc.Code.Coding[0].Code)

	again, err := c.RecordEvent(ctx, e)
	require.NoError(t, err)
	assert.Equal(t, ref, again, "a retry returns the first reference")
	assert.Equal(t, 1, count(t, c, "Procedure", fhir.IdempotencyIdentifier(e.IdempotencyKey)), "and records nothing new")

	declined := codedEvent(referral.SNOMEDDeclined)
	declined.IdempotencyKey, declined.Display = "referral 4b7e1f4e, declined", "Social prescribing declined"
	obs, err := c.RecordEvent(ctx, declined)
	require.NoError(t, err)
	assert.Regexp(t, `^Observation/`, obs)
	again, err = c.RecordEvent(ctx, declined)
	require.NoError(t, err)
	assert.Equal(t, obs, again, "a key with spaces and commas is hashed, and idempotent too")

	e.IdempotencyKey, e.NHSNumber = "another", unknownNHS
	_, err = c.RecordEvent(ctx, e)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "error: %v", err)

	// A second Patient with the same NHS number: the adapter cannot tell
	// which record to file in.
	p := newReferral(t, nil).Person
	_, _, err = c.Create(ctx, fhir.PatientOf(p), nil)
	require.NoError(t, err)
	e.NHSNumber = knownNHS
	_, err = c.RecordEvent(ctx, e)
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "error: %v", err)
}

func TestLookupPersonOnServer(t *testing.T) {
	c := newClient(t)
	addPatient(t, c, knownNHS)
	doc, err := c.LookupPerson(t.Context(), knownNHS)
	require.NoError(t, err)
	want := newReferral(t, nil).Person
	jsonEq(t, want, decodeJSON[referral.Person](t, doc), "the person, through the FHIR server")

	_, err = c.LookupPerson(t.Context(), unknownNHS)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
}

func TestPushReferral(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	r := newReferral(t, nil)
	ref, err := c.PushReferral(ctx, r)
	require.NoError(t, err)
	assert.Regexp(t, `^ServiceRequest/`, ref)
	got, err := c.GetReferral(ctx, r.ID)
	require.NoError(t, err)
	jsonEq(t, carried(r), got, "the referral, through the FHIR server")

	step(t, r, referral.Change{To: referral.StatusAccepted}, referral.Change{To: referral.StatusActive})
	require.NoError(t, r.WithdrawConsent(referral.ConsentShare, linkWorker, t0.Add(5*time.Minute), t0.Add(time.Hour), ""))
	again, err := c.PushReferral(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, ref, again, "pushing again updates the same ServiceRequest")
	got, err = c.GetReferral(ctx, r.ID)
	require.NoError(t, err)
	jsonEq(t, carried(r), got, "the updated referral")

	// A declined referral: its Task is rejected, owned by the service.
	other := step(t, newReferral(t, nil), referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineOutOfArea})
	_, err = c.PushReferral(ctx, other)
	require.NoError(t, err)
	got, err = c.GetReferral(ctx, other.ID)
	require.NoError(t, err)
	jsonEq(t, carried(other), got, "the declined referral, through the FHIR server")

	key := fhir.Identifier{System: fhir.SystemReferralID, Value: r.ID}
	assert.Equal(t, 1, count(t, c, "ServiceRequest", key), "one ServiceRequest per referral")
	assert.Equal(t, 1, count(t, c, "Task", key), "one Task per referral")
	assert.Equal(t, 1, count(t, c, "Consent", fhir.Identifier{System: fhir.SystemConsentID, Value: r.ID + "/share_with_partners"}))
	assert.Equal(t, 1, count(t, c, "Patient", fhir.Identifier{System: fhir.SystemNHSNumber, Value: knownNHS}), "both referrals are of the one patient")

	_, err = c.GetReferral(ctx, uuid.NewString())
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))

	bad := newReferral(t, nil)
	bad.Needs = nil
	_, err = c.PushReferral(ctx, bad)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
}

// rawClient talks to the same server as c without the schema check, to
// send what the adapter itself never sends.
func rawClient(t *testing.T, c *fhir.Client) *fhir.Client {
	t.Helper()
	raw, err := fhir.New(fhir.Config{BaseURL: c.BaseURL()})
	require.NoError(t, err)
	return raw
}

// A transaction the server refuses part of writes nothing.
func TestTransactionAllOrNothing(t *testing.T) {
	c := newClient(t)
	r := newReferral(t, nil)
	res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
	require.NoError(t, err)
	tx := res.Transaction()
	// The Task goes last; an element the server does not know fails it.
	var task map[string]any
	require.NoError(t, json.Unmarshal(tx.Entry[len(tx.Entry)-1].Resource, &task))
	task["wish"] = "soon"
	tx.Entry[len(tx.Entry)-1].Resource, _ = json.Marshal(task)

	_, err = rawClient(t, c).Transaction(t.Context(), tx)
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "error: %v", err)
	assert.Contains(t, err.Error(), "400")
	assert.Equal(t, 0, count(t, c, "ServiceRequest", fhir.Identifier{System: fhir.SystemReferralID, Value: r.ID}), "nothing is written")
	assert.Equal(t, 0, count(t, c, "Patient", fhir.Identifier{System: fhir.SystemNHSNumber, Value: knownNHS}))
}

// pullIDs pages through every referral from cursor with limit.
func pullIDs(t *testing.T, c *fhir.Client, cur string, limit int) ([]string, string) {
	t.Helper()
	var ids []string
	for range 100 {
		b, err := c.PullReferrals(t.Context(), cur, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(b.Referrals), limit)
		for _, doc := range b.Referrals {
			require.NoError(t, referral.Validate(doc), "a pulled referral is a valid referral document")
			ids = append(ids, decodeJSON[referral.Referral](t, doc).ID)
		}
		require.NotEmpty(t, b.Cursor)
		cur = b.Cursor
		if len(b.Referrals) == 0 {
			return ids, cur
		}
	}
	t.Fatal("pulling does not end")
	return nil, ""
}

// addForeignReferral writes a referral as another system would: a
// ServiceRequest with a referenced practitioner, no socialrx identifier
// and no Task.
func addForeignReferral(t *testing.T, c *fhir.Client, nhs string, needs bool) string {
	t.Helper()
	ctx := t.Context()
	pt := addPatient(t, c, nhs)
	consent, _, err := c.Create(ctx, &fhir.Consent{ResourceType: "Consent", Status: "active",
		Scope:      fhir.CodeableConcept{Coding: []fhir.Coding{{System: "http://terminology.hl7.org/CodeSystem/consentscope", Code: "treatment"}}},
		Category:   []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: fhir.CodeSystemConsentKind, Code: "referral"}}}},
		Patient:    &fhir.Reference{Reference: pt},
		DateTime:   "2025-03-07T10:00:00Z",
		Performer:  []fhir.Reference{{Display: "Dr Ruth Obi"}},
		PolicyRule: &fhir.CodeableConcept{Coding: []fhir.Coding{{System: "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code: "OPTIN"}}},
	}, nil)
	require.NoError(t, err)
	sr := &fhir.ServiceRequest{ResourceType: "ServiceRequest", Status: "active", Intent: "order",
		Code:           &fhir.CodeableConcept{Coding: []fhir.Coding{{System: fhir.SystemSNOMED, Code: referral.SNOMEDReferred}}},
		Subject:        fhir.Reference{Reference: pt},
		AuthoredOn:     "2025-03-07",
		Requester:      &fhir.Reference{Reference: "Practitioner/gp-9", Display: "Dr Ruth Obi"},
		SupportingInfo: []fhir.Reference{{Reference: consent}},
		Note:           []fhir.Annotation{{Text: "Damp flat."}},
	}
	if needs {
		sr.ReasonCode = []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: fhir.CodeSystemNeed, Code: "housing"}}}}
	}
	ref, _, err := c.Create(ctx, sr, nil)
	require.NoError(t, err)
	return ref
}

func TestPullReferralsOnServer(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	var pushed []*referral.Referral
	var want []string
	for i := range 6 {
		r := newReferral(t, nil)
		if i == 2 {
			step(t, r, referral.Change{To: referral.StatusDeclined, Reason: referral.DeclineDuplicate})
		} else {
			want = append(want, r.ID)
			pushed = append(pushed, r)
		}
		_, err := c.PushReferral(ctx, r)
		require.NoError(t, err)
	}
	addForeignReferral(t, c, "9876543210", true)

	all, end := pullIDs(t, c, "", 100)
	require.Len(t, all, 6, "five socialrx referrals and the other system's; not the declined one")
	// Pushed one after another, they are oldest first (unless two share a
	// millisecond: TestPullReferralsSameInstant checks that order).
	assert.ElementsMatch(t, want, all[:5])
	for _, limit := range []int{1, 2, 4} {
		got, _ := pullIDs(t, c, "", limit)
		assert.Equal(t, all, got, "limit %d pulls the same referrals", limit)
	}

	b, err := c.PullReferrals(ctx, "", 0)
	require.NoError(t, err)
	var foreign []referral.Referral
	for _, doc := range b.Referrals {
		if r := decodeJSON[referral.Referral](t, doc); r.Status == "" {
			foreign = append(foreign, r)
		}
	}
	require.Len(t, foreign, 1, "the other system's referral is new")
	assert.Equal(t, "Dr Ruth Obi", foreign[0].Referrer.Name)
	assert.Equal(t, []socialrx.Need{socialrx.NeedHousing}, foreign[0].Needs)

	b, err = c.PullReferrals(ctx, end, 10)
	require.NoError(t, err)
	assert.Empty(t, b.Referrals, "nothing after the end")
	assert.Equal(t, end, b.Cursor, "the cursor stays")

	// A new referral comes, and so does one that changed.
	r := newReferral(t, nil)
	_, err = c.PushReferral(ctx, r)
	require.NoError(t, err)
	step(t, pushed[0], referral.Change{To: referral.StatusAccepted})
	_, err = c.PushReferral(ctx, pushed[0])
	require.NoError(t, err)
	got, _ := pullIDs(t, c, end, 3)
	assert.Equal(t, []string{r.ID, pushed[0].ID}, got)

	_, err = c.PullReferrals(ctx, end+"x", 10)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	for _, limit := range []int{-1, 1001} {
		_, err = c.PullReferrals(ctx, "", limit)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "limit %d", limit)
	}
}

// ServiceRequests last updated in the same instant are paged by id, so a
// small page never skips or repeats one.
func TestPullReferralsSameInstant(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	instants := []string{"2025-03-10T09:00:00.000Z", "2025-03-10T09:00:00.000Z", "2025-03-10T09:00:00.000Z",
		"2025-03-10T09:00:00.000Z", "2025-03-10T09:00:00.000Z", "2025-03-10T09:00:00.001Z", "2025-03-10T09:00:00.001Z"}
	type entry struct{ at, id, referral string }
	var want []entry
	for _, at := range instants {
		r := newReferral(t, nil)
		res, err := fhir.ReferralToFHIR(r, fhir.DefaultService())
		require.NoError(t, err)
		// Medplum's in-memory repository keeps a client's lastUpdated on
		// create; a real server would stamp its own.
		res.ServiceRequest.Meta = &fhir.Meta{LastUpdated: at}
		_, err = c.Transaction(ctx, res.Transaction())
		require.NoError(t, err)
		found, err := c.SearchByIdentifier(ctx, "ServiceRequest", fhir.Identifier{System: fhir.SystemReferralID, Value: r.ID})
		require.NoError(t, err)
		require.Len(t, found, 1)
		sr := decodeJSON[fhir.ServiceRequest](t, found[0])
		require.Equal(t, at, sr.Meta.LastUpdated, "the test server kept the instant")
		want = append(want, entry{at, sr.ID, r.ID})
	}
	slices.SortFunc(want, func(a, b entry) int {
		if a.at != b.at {
			return map[bool]int{true: -1, false: 1}[a.at < b.at]
		}
		return map[bool]int{true: -1, false: 1}[a.id < b.id]
	})
	var ids []string
	for _, e := range want {
		ids = append(ids, e.referral)
	}
	for _, limit := range []int{1, 2, 3, 5, 7, 8} {
		got, _ := pullIDs(t, c, "", limit)
		assert.Equal(t, ids, got, "limit %d", limit)
	}
}

func TestPullReferralsUnreadable(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	_, err := c.PushReferral(ctx, newReferral(t, nil))
	require.NoError(t, err)
	first, err := c.PullReferrals(ctx, "", 10)
	require.NoError(t, err)
	bad := addForeignReferral(t, c, "9876543210", false)

	_, err = c.PullReferrals(ctx, first.Cursor, 10)
	require.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "error: %v", err)
	assert.Contains(t, err.Error(), bad, "the error names the ServiceRequest")
	assert.Contains(t, err.Error(), "/referral/needs", "and what is wrong with it")
}

func TestOnwardOnServer(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	o := newOnward(t, referral.ShareFull)
	o.Status = referral.TaskAccepted
	require.NoError(t, o.RecordAttendance(partner, socialrx.DateOf(t0), true, "came with her neighbour", t0.Add(30*time.Minute)))
	require.NoError(t, o.RecordAttendance(partner, socialrx.DateOf(t0), false, "", t0.Add(40*time.Minute)))
	ref, err := c.PushOnwardReferral(ctx, o)
	require.NoError(t, err)
	assert.Regexp(t, `^Task/`, ref)
	got, err := c.GetOnwardReferral(ctx, o.ID)
	require.NoError(t, err)
	jsonEq(t, carriedOnward(o), got, "the onward referral, through the FHIR server")

	// The partner's system moves the Task through the loop.
	key := fhir.Identifier{System: fhir.SystemOnwardReferralID, Value: o.ID}
	for _, status := range []string{"accepted", "in-progress", "on-hold", "in-progress", "completed"} {
		found, err := c.SearchByIdentifier(ctx, "Task", key)
		require.NoError(t, err)
		require.Len(t, found, 1)
		task := decodeJSON[fhir.Task](t, found[0])
		task.Status = status
		task.Note = append(task.Note, fhir.Annotation{AuthorReference: &fhir.Reference{Display: "Jo"}, Time: "2025-03-10T10:00:00Z", Text: "now " + status})
		again, err := c.Upsert(ctx, &task, key)
		require.NoError(t, err)
		assert.Equal(t, ref, again)
		got, err := c.GetOnwardReferral(ctx, o.ID)
		require.NoError(t, err)
		assert.Equal(t, status, fhir.TaskStatusToFHIR(got.Status))
		last := got.Feedback[len(got.Feedback)-1]
		assert.Equal(t, referral.Feedback{At: time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC), Text: "now " + status,
			By: referral.Actor{ID: "Jo", Role: referral.RolePartner, Organisation: partnerOrg}}, last, "a note from the partner's system")
	}
	_, err = c.GetOnwardReferral(ctx, uuid.NewString())
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
}

// The FHIR server's own refusals map to socialrx codes.
func TestServerRefusals(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()

	// Medplum validates what it stores; the official schema would refuse
	// this date too, so send it past the schema check with a raw client.
	_, _, err := rawClient(t, c).Create(ctx, &fhir.Patient{ResourceType: "Patient", BirthDate: "14/03/1948"}, nil)
	require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "error: %v", err)
	assert.Contains(t, err.Error(), "400")
	assert.Equal(t, "/Patient/birthDate", socialrx.ErrorFields(err)[0].Path, "the OperationOutcome's expression names the element")

	id := fhir.Identifier{System: "urn:test", Value: "twin"}
	for range 2 {
		_, _, err := c.Create(ctx, &fhir.Patient{ResourceType: "Patient", Identifier: []fhir.Identifier{id}}, nil)
		require.NoError(t, err)
	}
	_, err = c.Upsert(ctx, &fhir.Patient{ResourceType: "Patient", Identifier: []fhir.Identifier{id}}, id)
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "a conditional update that matches two: 412")
	assert.Contains(t, fmt.Sprint(err), "412")
	_, _, err = c.Create(ctx, &fhir.Patient{ResourceType: "Patient"}, &id)
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "a conditional create that matches two: 412")

	_, err = c.Read(ctx, "Patient", "no-such-patient")
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.Contains(t, fmt.Sprint(err), "404")
}

// RecordEvent, raced with one key by several callers, records once.
func TestRecordEventRace(t *testing.T) {
	c := newClient(t)
	addPatient(t, c, knownNHS)
	e := codedEvent(referral.SNOMEDReferred)
	refs := make([]string, 8)
	errs := make([]error, 8)
	done := make(chan struct{})
	for i := range refs {
		go func() {
			refs[i], errs[i] = c.RecordEvent(context.Background(), e)
			done <- struct{}{}
		}()
	}
	for range refs {
		<-done
	}
	for i := range refs {
		require.NoError(t, errs[i])
		assert.Equal(t, refs[0], refs[i])
	}
	assert.Equal(t, 1, count(t, c, "Procedure", fhir.IdempotencyIdentifier(e.IdempotencyKey)))
}

var _ plugins.ClinicalSystem = (*fhir.Client)(nil)

// Goals, measurements and directory services go to the server by
// conditional update on their identifiers and come back the same.
func TestUpsertPlanResources(t *testing.T) {
	c := newClient(t)
	ctx := t.Context()
	patient := addPatient(t, c, knownNHS)

	g := sampleGoal(plan.GoalInProgress)
	fg, err := fhir.GoalToFHIR(planID, 0, g, patient)
	require.NoError(t, err)
	ref, err := c.Upsert(ctx, fg, fg.Identifier[0])
	require.NoError(t, err)
	g = sampleGoal(plan.GoalAchieved)
	fg, err = fhir.GoalToFHIR(planID, 0, g, patient)
	require.NoError(t, err)
	again, err := c.Upsert(ctx, fg, fg.Identifier[0])
	require.NoError(t, err)
	assert.Equal(t, ref, again, "the same Goal, updated")
	found, err := c.SearchByIdentifier(ctx, "Goal", fg.Identifier[0])
	require.NoError(t, err)
	require.Len(t, found, 1)
	_, _, back, err := fhir.DecodeGoal(found[0])
	require.NoError(t, err)
	jsonEq(t, g, back, "the goal, through the FHIR server")

	m, err := outcomes.DefaultRegistry().Score(sampleMeasurement(outcomes.MYCaW))
	require.NoError(t, err)
	qr, err := fhir.MeasurementToFHIR(m, patient)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, qr, *qr.Identifier)
	require.NoError(t, err)
	found, err = c.SearchByIdentifier(ctx, "QuestionnaireResponse", *qr.Identifier)
	require.NoError(t, err)
	require.Len(t, found, 1)
	mb, err := fhir.DecodeQuestionnaireResponse(found[0], nil)
	require.NoError(t, err)
	jsonEq(t, m, mb, "the measurement, through the FHIR server")

	s := sampleService()
	h, err := fhir.ServiceToFHIR(s)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, h, h.Identifier[0])
	require.NoError(t, err)
	found, err = c.SearchByIdentifier(ctx, "HealthcareService", h.Identifier[0])
	require.NoError(t, err)
	require.Len(t, found, 1)
	sb, err := fhir.DecodeHealthcareService(found[0])
	require.NoError(t, err)
	jsonEq(t, carriedService(s), sb, "the service, through the FHIR server")

	// A dropped goal (cancelled), and a service whose organization is
	// nested, with a language that says none, go to the server as well.
	g = sampleGoal(plan.GoalDropped)
	fg, err = fhir.GoalToFHIR(planID, 1, g, patient)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, fg, fg.Identifier[0])
	require.NoError(t, err)
	found, err = c.SearchByIdentifier(ctx, "Goal", fg.Identifier[0])
	require.NoError(t, err)
	require.Len(t, found, 1)
	_, _, back, err = fhir.DecodeGoal(found[0])
	require.NoError(t, err)
	assert.Equal(t, plan.GoalDropped, back.Status, "the dropped goal, through the FHIR server")

	s.Organization = &directory.Organization{ID: s.OrganizationID, Name: "Riverside Walks CIC", Description: "Walks by the river."}
	s.OrganizationID = ""
	s.Languages = append(s.Languages, directory.Language{ID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", Note: "on request"})
	h, err = fhir.ServiceToFHIR(s)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, h, h.Identifier[0])
	require.NoError(t, err)
	found, err = c.SearchByIdentifier(ctx, "HealthcareService", h.Identifier[0])
	require.NoError(t, err)
	require.Len(t, found, 1)
	sb, err = fhir.DecodeHealthcareService(found[0])
	require.NoError(t, err)
	assert.Equal(t, s.Organization.ID, sb.OrganizationID, "provided by the nested organization, through the FHIR server")
}
