package fhir_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/fhir"
)

// paths returns the field paths of an error.
func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

// through sends a FHIR resource through JSON into a new T.
func through[T any](t *testing.T, res any) *T {
	t.Helper()
	b, err := json.Marshal(res)
	require.NoError(t, err)
	requireValidFHIR(t, b)
	out := new(T)
	require.NoError(t, json.Unmarshal(b, out))
	return out
}

const planID = "6a1d3b8e-0c55-4b7a-9f0e-2d6c1e4b5a77"

func sampleGoal(status plan.GoalStatus) plan.Goal {
	g := plan.Goal{Text: "get back to my allotment", Need: socialrx.NeedNatureGardening, Status: plan.GoalNotStarted, SetAt: t0.Add(-72 * time.Hour)}
	if status != plan.GoalNotStarted {
		g.Notes = []plan.ProgressNote{
			{At: t0.Add(-48 * time.Hour), By: "lw-amira", Text: "went twice with a buddy", Status: plan.GoalInProgress},
			{At: t0.Add(-24 * time.Hour), By: "lw-amira", Text: "plot needs clearing first"},
		}
		if status != plan.GoalInProgress {
			g.Notes = append(g.Notes, plan.ProgressNote{At: t0, By: "lw-amira", Text: "status now " + string(status), Status: status})
		}
		g.Status = status
	}
	return g
}

func TestGoalRoundTrip(t *testing.T) {
	want := map[plan.GoalStatus]string{
		plan.GoalNotStarted: "accepted", plan.GoalInProgress: "active", plan.GoalAchieved: "completed",
		plan.GoalChanged: "cancelled", plan.GoalDropped: "cancelled",
	}
	require.Len(t, want, len(plan.GoalStatus("").EnumValues()), "every goal status is in the table")
	for status, lifecycle := range want {
		t.Run(string(status), func(t *testing.T) {
			g := sampleGoal(status)
			fg, err := fhir.GoalToFHIR(planID, 2, g, "Patient/p-1")
			require.NoError(t, err)
			assert.Equal(t, lifecycle, fg.LifecycleStatus)
			assert.Equal(t, planID+"/2", fg.Identifier[0].Value)
			assert.Equal(t, "2025-03-07", fg.StartDate)
			assert.Equal(t, "get back to my allotment", fg.Description.Text)
			assert.Equal(t, "nature_gardening", fg.Category[0].Coding[0].Code)

			id, index, back, err := fhir.GoalFromFHIR(through[fhir.Goal](t, fg))
			require.NoError(t, err)
			assert.Equal(t, planID, id)
			assert.Equal(t, 2, index)
			jsonEq(t, g, back, "goal round trip")
		})
	}
}

func TestPlanGoalsToFHIR(t *testing.T) {
	p := &plan.Plan{ID: planID, Goals: []plan.Goal{sampleGoal(plan.GoalAchieved), sampleGoal(plan.GoalNotStarted)}}
	goals, err := fhir.PlanGoalsToFHIR(p, "Patient/p-1")
	require.NoError(t, err)
	require.Len(t, goals, 2)
	assert.Equal(t, planID+"/1", goals[1].Identifier[0].Value)

	p.Goals[1].Need = "sadness"
	_, err = fhir.PlanGoalsToFHIR(p, "Patient/p-1")
	assert.Equal(t, []string{"/goals/1/need"}, paths(err))
}

func TestGoalInvalid(t *testing.T) {
	_, err := fhir.GoalToFHIR("", -1, plan.Goal{Notes: []plan.ProgressNote{{Status: "lost"}}}, "Patient/1")
	assert.Equal(t, []string{"/goals/-1", "/goals/-1/need", "/goals/-1/notes/0/at", "/goals/-1/notes/0/by", "/goals/-1/notes/0/status",
		"/goals/-1/notes/0/text", "/goals/-1/set_at", "/goals/-1/status", "/goals/-1/text", "/id"}, paths(err))

	cases := map[string]struct {
		edit func(g *fhir.Goal)
		path string
	}{
		"no identifier":     {func(g *fhir.Goal) { g.Identifier = nil }, "/Goal/identifier"},
		"bad index":         {func(g *fhir.Goal) { g.Identifier[0].Value = planID + "/x" }, "/Goal/identifier"},
		"unknown lifecycle": {func(g *fhir.Goal) { g.LifecycleStatus = "proposed" }, "/Goal/lifecycleStatus"},
		"no need":           {func(g *fhir.Goal) { g.Category = nil }, "/Goal/category"},
		"unknown need":      {func(g *fhir.Goal) { g.Category[0].Coding[0].Code = "x" }, "/Goal/category/0"},
		"no words":          {func(g *fhir.Goal) { g.Description = fhir.CodeableConcept{} }, "/Goal/description"},
		"no start":          {func(g *fhir.Goal) { g.Extension, g.StartDate = nil, "" }, "/Goal/startDate"},
		"note without time": {func(g *fhir.Goal) { g.Note[0].Time = "" }, "/Goal/note/0/time"},
		"note by nobody":    {func(g *fhir.Goal) { g.Note[0].AuthorReference = nil }, "/Goal/note/0/authorReference"},
		"note status":       {func(g *fhir.Goal) { v := "lost"; g.Note[0].Extension[0].ValueCode = &v }, "/Goal/note/0/extension"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fg, err := fhir.GoalToFHIR(planID, 0, sampleGoal(plan.GoalAchieved), "Patient/1")
			require.NoError(t, err)
			tc.edit(fg)
			_, _, _, err = fhir.GoalFromFHIR(fg)
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Contains(t, paths(err), tc.path, "error: %v", err)
		})
	}
}

func sampleService() directory.Service {
	zero, five, lo := 0.0, 5.0, 18.0
	return directory.Service{
		ID: "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", OrganizationID: "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
		Name: "Riverside walking group", Description: "A gentle weekly walk by the river, with tea after.",
		URL: "https://walks.example.org", Email: "walks@example.org", Status: directory.StatusActive, Fees: "Free; tea 50p",
		MinimumAge: &lo,
		Phones:     []directory.Phone{{ID: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", Number: "020 7946 0101"}},
		Languages:  []directory.Language{{ID: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", Code: "pl", Name: "Polish"}},
		Schedules: []directory.Schedule{
			{ID: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a", Freq: directory.FreqWeekly, ByDay: "TU,TH", OpensAt: "10:00", ClosesAt: "11:30"},
			{ID: "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", Freq: directory.FreqMonthly, ByDay: "1SA", OpensAt: "09:00", ClosesAt: "12:00"},
		},
		CostOptions: []directory.CostOption{{ID: "6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c", Amount: &zero}, {ID: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", Option: "tea", Amount: &five}},
		Extensions:  directory.Extensions{Welcome: directory.WelcomeOpen, Needs: []socialrx.Need{socialrx.NeedPhysicalActivity, socialrx.NeedLoneliness}},
	}
}

// carriedService is what the HealthcareService mapping carries back.
func carriedService(s directory.Service) directory.Service {
	out := directory.Service{ID: s.ID, OrganizationID: s.OrganizationID, Name: s.Name, Description: s.Description,
		URL: s.URL, Email: s.Email, Status: s.Status, Fees: s.Fees, Phones: s.Phones, Languages: s.Languages,
		Extensions: directory.Extensions{Welcome: s.Extensions.Welcome, Needs: s.Extensions.Needs}}
	for _, sc := range s.Schedules {
		if sc.Freq == directory.FreqWeekly {
			out.Schedules = append(out.Schedules, sc)
		}
	}
	return out
}

func TestServiceRoundTrip(t *testing.T) {
	for _, status := range directory.Status("").EnumValues() {
		t.Run(status, func(t *testing.T) {
			s := sampleService()
			s.Status = directory.Status(status)
			h, err := fhir.ServiceToFHIR(s)
			require.NoError(t, err)
			assert.Equal(t, status == "active", *h.Active)
			back, err := fhir.ServiceFromFHIR(through[fhir.HealthcareService](t, h))
			require.NoError(t, err)
			jsonEq(t, carriedService(s), back, "service round trip")
		})
	}
}

func TestServiceToFHIRElements(t *testing.T) {
	h, err := fhir.ServiceToFHIR(sampleService())
	require.NoError(t, err)
	assert.Equal(t, fhir.Identifier{System: fhir.SystemService, Value: "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}, h.Identifier[0])
	assert.Equal(t, "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", h.ProvidedBy.Identifier.Value, "an onward referral's partner is the provider")
	require.Len(t, h.AvailableTime, 1, "only the weekly session fits FHIR's week")
	assert.Equal(t, []string{"tue", "thu"}, h.AvailableTime[0].DaysOfWeek)
	assert.Equal(t, "10:00:00", h.AvailableTime[0].AvailableStartTime)
	assert.Equal(t, "cost", h.ServiceProvisionCode[0].Coding[0].Code, "tea costs 50p")
	assert.Equal(t, "Ages 18 and over", h.Eligibility[0].Comment)
	assert.False(t, *h.AppointmentRequired, "an open group")
}

// A HealthcareService from another directory: no socialrx extensions or
// element ids.
func TestServiceFromAnotherSystem(t *testing.T) {
	doc := `{"resourceType":"HealthcareService","identifier":[{"system":"` + fhir.SystemService + `","value":"0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}],
		"active":false,"name":"Men's shed","telecom":[{"system":"phone","value":"01632 960000"}],
		"availableTime":[{"daysOfWeek":["wed"],"availableStartTime":"13:00:00","availableEndTime":"16:00:00"}]}`
	var h fhir.HealthcareService
	require.NoError(t, json.Unmarshal([]byte(doc), &h))
	requireValidFHIR(t, []byte(doc))
	s, err := fhir.ServiceFromFHIR(&h)
	require.NoError(t, err)
	assert.Equal(t, directory.StatusInactive, s.Status)
	assert.Equal(t, "WE", s.Schedules[0].ByDay)
	assert.Equal(t, "13:00", s.Schedules[0].OpensAt)
	again, err := fhir.ServiceFromFHIR(&h)
	require.NoError(t, err)
	assert.Equal(t, s.Phones[0].ID, again.Phones[0].ID, "derived ids are stable")
}

func TestServiceInvalid(t *testing.T) {
	s := sampleService()
	s.ID = "not-a-uuid"
	_, err := fhir.ServiceToFHIR(s)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))

	cases := map[string]struct {
		edit func(h *fhir.HealthcareService)
		path string
	}{
		"no identifier":          {func(h *fhir.HealthcareService) { h.Identifier = nil }, "/HealthcareService/identifier"},
		"unknown day":            {func(h *fhir.HealthcareService) { h.AvailableTime[0].DaysOfWeek = []string{"someday"} }, "/HealthcareService/availableTime/0/daysOfWeek/0"},
		"closes before it opens": {func(h *fhir.HealthcareService) { h.AvailableTime[0].AvailableEndTime = "09:00:00" }, "/service/schedules/0/closes_at"},
		"unknown need":           {func(h *fhir.HealthcareService) { h.Category[0].Coding[0].Code = "x" }, "/HealthcareService/category/0"},
		"no name":                {func(h *fhir.HealthcareService) { h.Name = "" }, "/service/name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h, err := fhir.ServiceToFHIR(sampleService())
			require.NoError(t, err)
			tc.edit(h)
			_, err = fhir.ServiceFromFHIR(h)
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Contains(t, paths(err), tc.path, "error: %v", err)
		})
	}
}

func sampleMeasurement(instrument string) outcomes.Measurement {
	v := func(n int) *int { return &n }
	m := outcomes.Measurement{ID: "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e", Instrument: instrument, InstrumentVersion: "1",
		Person: "person-9434765919", Referral: "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11", TimePoint: outcomes.TimeBaseline,
		Date: socialrx.MustParseDate("2025-03-10"), AdministeredBy: "lw-amira", Mode: outcomes.ModeInPerson, EvaluationConsent: true}
	switch instrument {
	case outcomes.UCLA3:
		m.Answers = []outcomes.Answer{{Item: "companionship", Value: v(3)}, {Item: "left_out", Value: v(2)}, {Item: "isolated", Value: v(3)}, {Item: "direct"}}
	case outcomes.MYCaW:
		m.Answers = []outcomes.Answer{{Item: "concern_1", Value: v(5), Words: "getting out of the house"}, {Item: "concern_2"}, {Item: "wellbeing", Value: v(4)}}
		m.TimePoint, m.Mode, m.EvaluationConsent = outcomes.TimeEnd, outcomes.ModePhone, false
	}
	return m
}

func TestMeasurementRoundTrip(t *testing.T) {
	reg := outcomes.DefaultRegistry()
	for _, instrument := range []string{outcomes.UCLA3, outcomes.MYCaW} {
		t.Run(instrument, func(t *testing.T) {
			m, err := reg.Score(sampleMeasurement(instrument))
			require.NoError(t, err)
			qr, err := fhir.MeasurementToFHIR(m, "Patient/p-1")
			require.NoError(t, err)
			assert.Equal(t, fhir.QuestionnaireBase+instrument+"|1", qr.Questionnaire)
			assert.Equal(t, "completed", qr.Status)
			back, err := fhir.MeasurementFromFHIR(through[fhir.QuestionnaireResponse](t, qr), nil)
			require.NoError(t, err)
			jsonEq(t, m, back, "measurement round trip, scores recomputed")
		})
	}
}

func TestMeasurementInvalid(t *testing.T) {
	_, err := fhir.MeasurementToFHIR(outcomes.Measurement{Answers: []outcomes.Answer{{}}}, "")
	assert.Equal(t, []string{"/administered_by", "/answers/0/item", "/date", "/id", "/instrument", "/instrument_version",
		"/mode", "/person", "/referral", "/time_point"}, paths(err))

	cases := map[string]struct {
		edit func(qr *fhir.QuestionnaireResponse)
		path string
	}{
		"no identifier":         {func(qr *fhir.QuestionnaireResponse) { qr.Identifier = nil }, "/QuestionnaireResponse/identifier"},
		"in progress":           {func(qr *fhir.QuestionnaireResponse) { qr.Status = "in-progress" }, "/QuestionnaireResponse/status"},
		"another questionnaire": {func(qr *fhir.QuestionnaireResponse) { qr.Questionnaire = "http://example.org/q" }, "/QuestionnaireResponse/questionnaire"},
		"partial date":          {func(qr *fhir.QuestionnaireResponse) { qr.Authored = "2025-03" }, "/QuestionnaireResponse/authored"},
		"two integers": {func(qr *fhir.QuestionnaireResponse) {
			qr.Item[0].Answer = append(qr.Item[0].Answer, qr.Item[0].Answer[0])
		}, "/QuestionnaireResponse/item/0/answer/1"},
		"off the scale": {func(qr *fhir.QuestionnaireResponse) {
			v := 9
			qr.Item[0].Answer[0].ValueInteger = &v
		}, "/measurement/answers/0/value"},
		"unknown instrument": {func(qr *fhir.QuestionnaireResponse) { qr.Questionnaire = fhir.QuestionnaireBase + "phq9|1" }, "/measurement/instrument"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			qr, err := fhir.MeasurementToFHIR(sampleMeasurement(outcomes.UCLA3), "")
			require.NoError(t, err)
			tc.edit(qr)
			_, err = fhir.MeasurementFromFHIR(qr, nil)
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Contains(t, paths(err), tc.path, "error: %v", err)
		})
	}
}
