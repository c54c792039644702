package plan_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// fill calls add until it fails, at most limit+1 times, and returns the
// error that stopped it; every call before the limit must succeed.
func fill(t *testing.T, limit int, add func(i int) error) error {
	t.Helper()
	for i := range limit {
		require.NoError(t, add(i), "entry %d of %d", i, limit)
	}
	return add(limit)
}

// TestListsStopAtTheirLimit appends to each of a plan's lists until it is
// full: the next append is refused, naming the list, and the full plan is
// still a valid document, which it is not with one entry more.
func TestListsStopAtTheirLimit(t *testing.T) {
	now := t0.Add(time.Hour)
	for _, tc := range []struct {
		name  string
		list  string
		limit int
		add   func(p *plan.Plan, i int) error
		grow  func(p *plan.Plan)
	}{
		{"goals", "/goals", plan.MaxGoals,
			func(p *plan.Plan, i int) error {
				_, err := p.AddGoal("walk to the shops", socialrx.NeedPhysicalActivity, now)
				return err
			},
			func(p *plan.Plan) { p.Goals = append(p.Goals, p.Goals[0]) }},
		{"goal notes", "/goals/0/notes", plan.MaxGoalNotes,
			func(p *plan.Plan, i int) error {
				if len(p.Goals) == 0 {
					_, err := p.AddGoal("walk to the shops", socialrx.NeedPhysicalActivity, now)
					require.NoError(t, err)
				}
				return p.UpdateGoal(0, "", "went to the corner", "lw-1", now)
			},
			func(p *plan.Plan) { p.Goals[0].Notes = append(p.Goals[0].Notes, p.Goals[0].Notes[0]) }},
		{"barriers", "/barriers", plan.MaxBarriers,
			func(p *plan.Plan, i int) error {
				_, err := p.AddBarrier(plan.Barrier{Kind: plan.BarrierTransport}, now)
				return err
			},
			func(p *plan.Plan) { p.Barriers = append(p.Barriers, p.Barriers[0]) }},
		{"support", "/barriers/0/support", plan.MaxSupport,
			func(p *plan.Plan, i int) error {
				if len(p.Barriers) == 0 {
					_, err := p.AddBarrier(plan.Barrier{Kind: plan.BarrierTransport}, now)
					require.NoError(t, err)
				}
				return p.AddSupport(0, plan.Support{Kind: plan.SupportTransport, Detail: "a lift"}, now)
			},
			func(p *plan.Plan) { p.Barriers[0].Support = append(p.Barriers[0].Support, p.Barriers[0].Support[0]) }},
		{"activities", "/activities", plan.MaxActivities,
			func(p *plan.Plan, i int) error {
				_, err := p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: uuidN(i), Description: "the walking group"}, now)
				return err
			},
			func(p *plan.Plan) { p.Activities = append(p.Activities, p.Activities[0]) }},
		{"reviews", "/reviews", plan.MaxReviews,
			func(p *plan.Plan, i int) error {
				_, err := p.ScheduleReview(socialrx.DateOf(now).AddDays(28), now)
				return err
			},
			func(p *plan.Plan) { p.Reviews = append(p.Reviews, p.Reviews[0]) }},
		{"extensions", "/budget/extensions", plan.MaxExtensions,
			func(p *plan.Plan, i int) error { return p.ExtendBudget(1, "more time", "lw-1", now) },
			func(p *plan.Plan) { p.Budget.Extensions = append(p.Budget.Extensions, p.Budget.Extensions[0]) }},
		{"contacts", "/contacts", plan.MaxContacts,
			func(p *plan.Plan, i int) error {
				if p.Budget.Total() <= len(p.Contacts) {
					require.NoError(t, p.ExtendBudget(plan.MaxExtension, "more time", "lw-1", now))
				}
				return p.AddContact(plan.Contact{At: now, Kind: plan.ContactPhone, Minutes: 10, By: "lw-1"}, now)
			},
			func(p *plan.Plan) { p.Contacts = append(p.Contacts, p.Contacts[0]) }},
		{"pauses", "/pauses", plan.MaxPauses,
			func(p *plan.Plan, i int) error {
				if p.Status == plan.StatusPaused {
					require.NoError(t, p.Resume("lw-1", now))
				}
				return p.Pause(plan.PauseCaring, "", "lw-1", now)
			},
			func(p *plan.Plan) { p.Pauses = append(p.Pauses, p.Pauses[0]) }},
		{"triage", "/triage", plan.MaxTriage,
			func(p *plan.Plan, i int) error {
				a := baseAssessment()
				a.AssessedAt = now
				_, err := p.Retriage(a, nil, now)
				return err
			},
			func(p *plan.Plan) { p.Triage = append(p.Triage, p.Triage[0]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlan(t)
			start := map[string]int{"/triage": 1}[tc.list]
			err := fill(t, tc.limit-start, func(i int) error { return tc.add(p, i) })
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, []string{tc.list}, paths(err))

			b, err := json.Marshal(p)
			require.NoError(t, err)
			require.NoError(t, plan.Validate(b), "a full plan is a valid document")
			tc.grow(p)
			b, err = json.Marshal(p)
			require.NoError(t, err)
			assert.Contains(t, paths(plan.Validate(b)), tc.list, "the schema's maxItems is the limit")
		})
	}
}

// TestPausesBoundTheHistory: a plan paused as often as it may be can still
// be resumed and closed, and its history is then exactly full.
func TestPausesBoundTheHistory(t *testing.T) {
	p := newPlan(t)
	now := t0.Add(time.Hour)
	for range plan.MaxPauses {
		require.NoError(t, p.Pause(plan.PauseCaring, "", "lw-1", now))
		require.NoError(t, p.Resume("lw-1", now))
	}
	require.NoError(t, p.Close(plan.CloseCompleted, "", "lw-1", now))
	assert.Equal(t, plan.MaxHistory, len(p.History))
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, plan.Validate(b))
}

func TestABarrierComesWithBoundedSupport(t *testing.T) {
	p := newPlan(t)
	b := plan.Barrier{Kind: plan.BarrierTransport}
	for range plan.MaxSupport + 1 {
		b.Support = append(b.Support, plan.Support{Kind: plan.SupportTransport, Detail: "a lift"})
	}
	_, err := p.AddBarrier(b, t0)
	assert.Equal(t, []string{"/support"}, paths(err))
}

// uuidN returns a distinct UUID for each n.
func uuidN(n int) string {
	return "0190d6b4-6a39-7c4e-8d55-" + padHex(n)
}

func padHex(n int) string {
	const digits = "0123456789abcdef"
	b := []byte("000000000000")
	for i := len(b) - 1; n > 0 && i >= 0; i-- {
		b[i] = digits[n%16]
		n /= 16
	}
	return string(b)
}
