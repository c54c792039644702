package plan_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// atLevel makes an active plan at t0 triaged to the level by the default rules.
func atLevel(t testing.TB, id string, l plan.Level) *plan.Plan {
	t.Helper()
	a := baseAssessment()
	switch l {
	case plan.Level1:
		a.Circumstances = []plan.Circumstance{plan.CircumstanceCaringDuties}
	case plan.Level2:
		a.Crises = []plan.Crisis{{Kind: plan.CrisisDebt}}
	case plan.Level3:
		a.Risks = []plan.RiskFlag{plan.RiskSelfHarm}
	}
	p, err := plan.New(plan.Start{ID: id, ReferralID: referralID, ReferralDate: received, LinkWorker: worker,
		Triage: triaged(t, a), By: "lw-1"}, t0)
	require.NoError(t, err)
	require.Equal(t, l, p.Level())
	return p
}

func TestSummarise(t *testing.T) {
	day := 24 * time.Hour
	now := t0.Add(10*day + 3*time.Hour) // Thursday 12 March 2026; the week ends on Sunday 15 March
	on := func(s string) socialrx.Date { return socialrx.MustParseDate(s) }
	contact := func(p *plan.Plan, at time.Time) {
		require.NoError(t, p.AddContact(plan.Contact{At: at, Kind: plan.ContactPhone, Minutes: 10, By: "lw-1"}, at))
	}
	const (
		idA = "00000000-0000-7000-8000-00000000000a"
		idB = "00000000-0000-7000-8000-00000000000b"
		idC = "00000000-0000-7000-8000-00000000000c"
		idD = "00000000-0000-7000-8000-00000000000d"
		idE = "00000000-0000-7000-8000-00000000000e"
	)

	a := atLevel(t, idA, plan.Level2) // in touch, contact due Friday
	contact(a, t0.Add(9*day))
	require.NoError(t, a.ScheduleContact(plan.NextContact{On: on("2026-03-13"), Kind: plan.ContactVideo}, t0.Add(9*day)))
	_, err := a.ScheduleReview(on("2026-03-20"), t0)
	require.NoError(t, err)

	b := atLevel(t, idB, plan.Level3) // never contacted, contact overdue, review overdue
	require.NoError(t, b.ScheduleContact(plan.NextContact{On: on("2026-03-10"), Kind: plan.ContactHomeVisit}, t0))
	_, err = b.ScheduleReview(on("2026-03-11"), t0)
	require.NoError(t, err)
	_, err = b.ScheduleReview(on("2026-03-04"), t0)
	require.NoError(t, err)
	require.NoError(t, b.CompleteReview(1, "done", "lw-1", t0.Add(2*day)))

	c := atLevel(t, idC, plan.Level1) // paused: in the load, in no list
	require.NoError(t, c.ScheduleContact(plan.NextContact{On: on("2026-03-12"), Kind: plan.ContactPhone}, t0))
	_, err = c.ScheduleReview(on("2026-03-05"), t0)
	require.NoError(t, err)
	require.NoError(t, c.Pause(plan.PauseHospitalStay, "", "lw-1", t0.Add(day)))

	d := atLevel(t, idD, plan.Level3) // closed: skipped
	require.NoError(t, d.Close(plan.CloseCompleted, "", "lw-1", t0.Add(day)))

	e := atLevel(t, idE, plan.Level1) // quiet for 8 days, next contact next week
	contact(e, t0.Add(2*day))
	require.NoError(t, e.ScheduleContact(plan.NextContact{On: on("2026-03-16"), Kind: plan.ContactPhone}, t0.Add(2*day)))

	plans := []plan.Plan{*e, *d, *c, *b, *a}
	got, err := plan.Summarise(plans, plan.CaseloadOptions{NoContactDays: 7}, now)
	require.NoError(t, err)
	assert.Equal(t, plan.Caseload{
		Open: 4, Active: 3, Paused: 1,
		ByLevel:        plan.ByLevel{Level1: 2, Level2: 1, Level3: 1},
		Load:           7,
		Weights:        plan.DefaultWeights(),
		DueThisWeek:    []plan.Due{{PlanID: idB, On: on("2026-03-10")}, {PlanID: idA, On: on("2026-03-13")}},
		NoContact:      []plan.Quiet{{PlanID: idB, Since: t0, Days: 10}, {PlanID: idE, Since: t0.Add(2 * day), Days: 8}},
		NoContactDays:  7,
		ReviewsOverdue: []plan.Due{{PlanID: idB, On: on("2026-03-11")}},
		Skipped:        1,
	}, got)

	// On Sunday the week still ends that day; on Monday a new week begins.
	sunday, err := plan.Summarise(plans, plan.CaseloadOptions{}, on("2026-03-15").Time().Add(20*time.Hour))
	require.NoError(t, err)
	assert.Len(t, sunday.DueThisWeek, 2)
	assert.Equal(t, 14, sunday.NoContactDays)
	assert.Empty(t, sunday.NoContact, "13 days is within the default 14")
	monday, err := plan.Summarise(plans, plan.CaseloadOptions{}, on("2026-03-16").Time())
	require.NoError(t, err)
	assert.Len(t, monday.DueThisWeek, 3)

	// Custom weights.
	w := plan.Weights{Level1: 1, Level2: 1.5, Level3: 4}
	custom, err := plan.Summarise(plans, plan.CaseloadOptions{Weights: w}, now)
	require.NoError(t, err)
	assert.Equal(t, 7.5, custom.Load)
	assert.Equal(t, w, custom.Weights)

	// Capacity.
	tests := []struct {
		level    plan.Level
		capacity float64
		after    float64
		fits     bool
	}{
		{plan.Level1, 8, 8, true},
		{plan.Level2, 8, 9, false},
		{plan.Level3, 10, 10, true},
		{plan.Level3, 9.5, 10, false},
	}
	for _, tc := range tests {
		c, err := got.CanTake(tc.level, tc.capacity)
		require.NoError(t, err)
		assert.Equal(t, plan.Capacity{Load: 7, Adding: float64(tc.level), After: tc.after, Capacity: tc.capacity, Fits: tc.fits}, c)
	}
	c4, err := custom.CanTake(plan.Level3, 11)
	require.NoError(t, err)
	assert.Equal(t, 11.5, c4.After)
	assert.False(t, c4.Fits)
}

func TestCaseloadBadInput(t *testing.T) {
	tests := []struct {
		name  string
		opts  plan.CaseloadOptions
		paths []string
	}{
		{"negative weight", plan.CaseloadOptions{Weights: plan.Weights{Level1: 1, Level2: -2, Level3: 3}}, []string{"/weights/level_2"}},
		{"NaN weight", plan.CaseloadOptions{Weights: plan.Weights{Level1: math.NaN(), Level2: 2, Level3: 3}}, []string{"/weights/level_1"}},
		{"negative days", plan.CaseloadOptions{NoContactDays: -1}, []string{"/no_contact_days"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Summarise(nil, tc.opts, t0)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}
	c, err := plan.Summarise(nil, plan.CaseloadOptions{}, t0)
	require.NoError(t, err)
	assert.Equal(t, 0, c.Open)
	_, err = c.CanTake(4, 0)
	assert.Equal(t, []string{"/capacity", "/level"}, paths(err))
	_, err = c.CanTake(plan.Level1, math.NaN())
	assert.Equal(t, []string{"/capacity"}, paths(err))
}
