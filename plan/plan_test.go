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

func snapshot(t *testing.T, p *plan.Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	return string(b)
}

// refused checks err is invalid at exactly paths and that p did not change.
func refused(t *testing.T, p *plan.Plan, before string, err error, paths_ ...string) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, paths_, paths(err))
	for _, f := range socialrx.ErrorFields(err) {
		assert.NotEmpty(t, f.Rule)
	}
	assert.Equal(t, before, snapshot(t, p), "nothing is partly applied")
}

func TestNew(t *testing.T) {
	p := newPlan(t)
	assert.Equal(t, plan.StatusActive, p.Status)
	assert.Equal(t, int64(1), p.Version)
	assert.Equal(t, plan.Level2, p.Level())
	assert.Equal(t, 8, p.Budget.Total())
	assert.Equal(t, t0, p.CreatedAt)
	require.Len(t, p.History, 1)
	assert.Equal(t, plan.StatusActive, p.History[0].To)
	require.NoError(t, p.Check())

	doc, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, plan.Validate(doc), string(doc))
}

func TestNewBadInput(t *testing.T) {
	good := func() plan.Start {
		return plan.Start{ID: planID, ReferralID: referralID, ReferralDate: received, LinkWorker: worker,
			Triage: triaged(t, baseAssessment()), By: "lw-1"}
	}
	tests := []struct {
		name   string
		change func(s *plan.Start)
		paths  []string
	}{
		{"ids not UUIDs", func(s *plan.Start) { s.ID, s.ReferralID = "plan-1", "" }, []string{"/id", "/referral_id"}},
		{"referral in the future", func(s *plan.Start) { s.ReferralDate = socialrx.DateOf(t0).AddDays(1) },
			[]string{"/referral_date", "/triage/assessed_at"}},
		{"no referral date", func(s *plan.Start) { s.ReferralDate = socialrx.Date{} }, []string{"/referral_date"}},
		{"link worker unreachable", func(s *plan.Start) { s.LinkWorker = plan.LinkWorker{ID: "lw-1", Name: "Sam"} },
			[]string{"/link_worker/phone"}},
		{"link worker nameless, bad email", func(s *plan.Start) { s.LinkWorker = plan.LinkWorker{Email: "sam"} },
			[]string{"/link_worker/email", "/link_worker/id", "/link_worker/name"}},
		{"no triage", func(s *plan.Start) { s.Triage = plan.Result{} },
			[]string{"/triage/assessed_at", "/triage/contacts", "/triage/level", "/triage/pathway", "/triage/reasons", "/triage/rule_set"}},
		{"triage in the future", func(s *plan.Start) { s.Triage.AssessedAt = t0.Add(time.Hour) }, []string{"/triage/assessed_at"}},
		{"no author", func(s *plan.Start) { s.By = "" }, []string{"/by"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := good()
			tc.change(&s)
			p, err := plan.New(s, t0)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}
}

// TestStatusTransitionsAllPairs drives a plan from every status to every
// status and checks which moves are allowed; refused moves change nothing.
func TestStatusTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]plan.Status]bool{
		{plan.StatusActive, plan.StatusPaused}: true,
		{plan.StatusActive, plan.StatusClosed}: true,
		{plan.StatusPaused, plan.StatusActive}: true,
		{plan.StatusPaused, plan.StatusClosed}: true,
	}
	statuses := []plan.Status{plan.StatusActive, plan.StatusPaused, plan.StatusClosed}
	require.ElementsMatch(t, plan.Status("").EnumValues(), []string{"active", "paused", "closed"})
	at := t0.Add(24 * time.Hour)
	for _, from := range statuses {
		for _, to := range statuses {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				p := newPlan(t)
				switch from {
				case plan.StatusPaused:
					require.NoError(t, p.Pause(plan.PauseHospitalStay, "", "lw-1", at))
				case plan.StatusClosed:
					require.NoError(t, p.Close(plan.CloseCompleted, "", "lw-1", at))
				}
				require.Equal(t, from, p.Status)
				before := snapshot(t, p)
				now := at.Add(time.Hour)
				var err error
				switch to {
				case plan.StatusActive:
					err = p.Resume("lw-1", now)
				case plan.StatusPaused:
					err = p.Pause(plan.PausePersonsChoice, "", "lw-1", now)
				case plan.StatusClosed:
					err = p.Close(plan.CloseDisengaged, "", "lw-1", now)
				}
				want := allowed[[2]plan.Status{from, to}]
				assert.Equal(t, want, plan.CanTransition(from, to))
				if !want {
					refused(t, p, before, err, "/status")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, to, p.Status)
				last := p.History[len(p.History)-1]
				assert.Equal(t, from, last.From)
				assert.Equal(t, to, last.To)
				assert.Equal(t, now, last.At)
				assert.Equal(t, "lw-1", last.By)
				require.NoError(t, p.Check())
			})
		}
	}
}

// TestGoalTransitionsAllPairs does the same for goal statuses.
func TestGoalTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]plan.GoalStatus]bool{
		{plan.GoalNotStarted, plan.GoalInProgress}: true,
		{plan.GoalNotStarted, plan.GoalAchieved}:   true,
		{plan.GoalNotStarted, plan.GoalChanged}:    true,
		{plan.GoalNotStarted, plan.GoalDropped}:    true,
		{plan.GoalInProgress, plan.GoalAchieved}:   true,
		{plan.GoalInProgress, plan.GoalChanged}:    true,
		{plan.GoalInProgress, plan.GoalDropped}:    true,
		{plan.GoalDropped, plan.GoalInProgress}:    true,
	}
	var statuses []plan.GoalStatus
	for _, s := range plan.GoalStatus("").EnumValues() {
		statuses = append(statuses, plan.GoalStatus(s))
	}
	require.Len(t, statuses, 5)
	for _, from := range statuses {
		for _, to := range statuses {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				p := newPlan(t)
				i, err := p.AddGoal("sort out the letters from the council", socialrx.NeedDebtMoney, t0)
				require.NoError(t, err)
				if from != plan.GoalNotStarted {
					require.NoError(t, p.UpdateGoal(i, from, "set up", "lw-1", t0))
				}
				before := snapshot(t, p)
				err = p.UpdateGoal(i, to, "moving on", "lw-1", t0.Add(time.Hour))
				want := allowed[[2]plan.GoalStatus{from, to}]
				assert.Equal(t, want, plan.CanMoveGoal(from, to))
				if !want {
					refused(t, p, before, err, "/goals/0/status")
					return
				}
				require.NoError(t, err)
				g := p.Goals[i]
				assert.Equal(t, to, g.Status)
				last := g.Notes[len(g.Notes)-1]
				assert.Equal(t, to, last.Status)
				assert.Equal(t, "moving on", last.Text)
			})
		}
	}
}

// TestClosedPlanRefusesEdits: every edit of a closed plan is refused.
func TestClosedPlanRefusesEdits(t *testing.T) {
	p := newPlan(t)
	_, err := p.AddGoal("walk to the shops", socialrx.NeedPhysicalActivity, t0)
	require.NoError(t, err)
	_, err = p.AddBarrier(plan.Barrier{Kind: plan.BarrierConfidence}, t0)
	require.NoError(t, err)
	_, err = p.ScheduleReview(socialrx.DateOf(t0).AddDays(28), t0)
	require.NoError(t, err)
	closeAt := t0.Add(48 * time.Hour)
	require.NoError(t, p.Close(plan.CloseMovedAway, "moved to Leeds", "lw-1", closeAt))
	now := closeAt.Add(time.Hour)
	before := snapshot(t, p)

	edits := map[string]func() error{
		"what matters": func() error { return p.SetWhatMatters("my garden", now) },
		"add goal":     func() error { _, err := p.AddGoal("x", socialrx.NeedFood, now); return err },
		"update goal":  func() error { return p.UpdateGoal(0, plan.GoalInProgress, "x", "lw-1", now) },
		"add barrier":  func() error { _, err := p.AddBarrier(plan.Barrier{Kind: plan.BarrierCost}, now); return err },
		"add support":  func() error { return p.AddSupport(0, plan.Support{Kind: plan.SupportBuddyEscort, Detail: "x"}, now) },
		"add activity": func() error {
			_, err := p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: signpostID, Description: "x"}, now)
			return err
		},
		"schedule review": func() error { _, err := p.ScheduleReview(socialrx.DateOf(now).AddDays(7), now); return err },
		"complete review": func() error { return p.CompleteReview(0, "x", "lw-1", now) },
		"schedule contact": func() error {
			return p.ScheduleContact(plan.NextContact{On: socialrx.DateOf(now), Kind: plan.ContactPhone}, now)
		},
		"add contact": func() error {
			return p.AddContact(plan.Contact{At: now, Kind: plan.ContactPhone, Minutes: 5, By: "lw-1"}, now)
		},
		"extend budget": func() error { return p.ExtendBudget(2, "more", "lw-1", now) },
		"retriage":      func() error { a := baseAssessment(); a.AssessedAt = now; _, err := p.Retriage(a, nil, now); return err },
		"pause":         func() error { return p.Pause(plan.PauseCaring, "", "lw-1", now) },
		"resume":        func() error { return p.Resume("lw-1", now) },
		"close":         func() error { return p.Close(plan.CloseCompleted, "", "lw-1", now) },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			err := edit()
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			require.NotEmpty(t, socialrx.ErrorFields(err))
			assert.Equal(t, "/status", socialrx.ErrorFields(err)[0].Path)
			assert.Contains(t, socialrx.ErrorFields(err)[0].Rule, "closed")
			assert.Equal(t, before, snapshot(t, p))
		})
	}
}

func TestPauseResumeStopsTheClock(t *testing.T) {
	p := newPlan(t)
	day := 24 * time.Hour
	require.NoError(t, p.AddContact(plan.Contact{At: t0.Add(time.Hour), Kind: plan.ContactHomeVisit, Minutes: 75, By: "lw-1"}, t0.Add(2*time.Hour)))
	require.NoError(t, p.Pause(plan.PauseHospitalStay, "knee operation", "lw-1", t0.Add(10*day)))

	// While paused: no contacts, and the paused time grows.
	before := snapshot(t, p)
	err := p.AddContact(plan.Contact{At: t0.Add(11 * day), Kind: plan.ContactPhone, Minutes: 10, By: "lw-1"}, t0.Add(11*day))
	refused(t, p, before, err, "/status")
	u := p.Usage(t0.Add(14 * day))
	assert.Equal(t, 10*day, u.Active)
	assert.Equal(t, 4*day, u.Paused)

	require.NoError(t, p.Resume("lw-1", t0.Add(17*day)))
	require.NoError(t, p.AddContact(plan.Contact{At: t0.Add(18 * day), Kind: plan.ContactPhone, Minutes: 20, By: "lw-1"}, t0.Add(18*day)))
	require.NoError(t, p.Pause(plan.PauseCaring, "", "lw-1", t0.Add(20*day)))
	require.NoError(t, p.Close(plan.CloseCompleted, "", "lw-1", t0.Add(25*day)))

	u = p.Usage(t0.Add(60 * day)) // after closing, the clock has stopped
	assert.Equal(t, plan.Usage{
		ContactsUsed: 2, ContactsBudget: 8, ContactsRemaining: 6,
		Active: 13 * day, Paused: 12 * day, ActiveDays: 13, PausedDays: 12,
	}, u)
	require.Len(t, p.Pauses, 2)
	assert.Equal(t, t0.Add(25*day), p.Pauses[1].Until, "closing ends the pause in progress")
	assert.Equal(t, "hospital_stay: knee operation", p.History[1].Why)
	require.NoError(t, p.Check())
}

func TestPauseBadInput(t *testing.T) {
	p := newPlan(t)
	before := snapshot(t, p)
	refused(t, p, before, p.Pause("holiday", "", "", t0.Add(-time.Hour)), "/by", "/pauses/0/from", "/reason")
	refused(t, p, before, p.Close("bored", "", "lw-1", t0.Add(time.Hour)), "/reason")
	refused(t, p, before, p.Resume("lw-1", t0.Add(time.Hour)), "/status")
}

func TestContacts(t *testing.T) {
	p := newPlan(t)
	now := t0.Add(3 * time.Hour)
	before := snapshot(t, p)

	tests := []struct {
		name  string
		c     plan.Contact
		paths []string
	}{
		{"before the referral", plan.Contact{At: received.Time().Add(-time.Minute), Kind: plan.ContactPhone, Minutes: 5, By: "lw-1"}, []string{"/at"}},
		{"in the future", plan.Contact{At: now.Add(time.Minute), Kind: plan.ContactPhone, Minutes: 5, By: "lw-1"}, []string{"/at"}},
		{"no time, kind, by", plan.Contact{Minutes: 5}, []string{"/at", "/by", "/kind"}},
		{"too long", plan.Contact{At: t0, Kind: plan.ContactVideo, Minutes: 721, By: "lw-1"}, []string{"/minutes"}},
		{"zero minutes face to face", plan.Contact{At: t0, Kind: plan.ContactFaceToFace, By: "lw-1"}, []string{"/minutes"}},
		{"next contact before it", plan.Contact{At: t0, Kind: plan.ContactPhone, Minutes: 5, By: "lw-1",
			Next: plan.NextContact{On: socialrx.DateOf(t0).AddDays(-1), Kind: "carrier_pigeon"}}, []string{"/next/kind", "/next/on"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, p, before, p.AddContact(tc.c, now), tc.paths...)
		})
	}

	// On the referral date itself is fine, and a message may take no time.
	require.NoError(t, p.AddContact(plan.Contact{At: received.Time(), Kind: plan.ContactMessage, By: "lw-1", Notes: " left a voicemail "}, now))
	assert.Equal(t, "left a voicemail", p.Contacts[0].Notes)
	assert.Equal(t, int64(2), p.Version)
}

func TestBudgetUsedThenExtended(t *testing.T) {
	p := newPlan(t)
	now := t0.Add(30 * 24 * time.Hour)
	for i := range 8 {
		require.NoError(t, p.AddContact(plan.Contact{At: t0.Add(time.Duration(i) * 24 * time.Hour), Kind: plan.ContactPhone, Minutes: 15, By: "lw-1"}, now))
	}
	assert.Equal(t, 0, p.Usage(now).ContactsRemaining)

	ninth := plan.Contact{At: now, Kind: plan.ContactPhone, Minutes: 15, By: "lw-1"}
	before := snapshot(t, p)
	refused(t, p, before, p.AddContact(ninth, now), "/budget")
	refused(t, p, before, p.ExtendBudget(2, "  ", "lw-1", now), "/reason")
	refused(t, p, before, p.ExtendBudget(0, "", "", now), "/by", "/contacts", "/reason")
	refused(t, p, before, p.ExtendBudget(plan.MaxExtension+1, "lots", "lw-1", now), "/contacts")

	require.NoError(t, p.ExtendBudget(2, "bereavement in the family", "lw-1", now))
	assert.Equal(t, 10, p.Budget.Total())
	assert.Equal(t, plan.Extension{Contacts: 2, Reason: "bereavement in the family", By: "lw-1", At: now}, p.Budget.Extensions[0])
	require.NoError(t, p.AddContact(ninth, now))
	u := p.Usage(now)
	assert.Equal(t, 9, u.ContactsUsed)
	assert.Equal(t, 10, u.ContactsBudget)
	assert.Equal(t, 1, u.ContactsRemaining)
}

func TestNextContact(t *testing.T) {
	p := newPlan(t)
	today := socialrx.DateOf(t0)
	before := snapshot(t, p)
	refused(t, p, before, p.ScheduleContact(plan.NextContact{On: today.AddDays(-1), Kind: plan.ContactPhone}, t0), "/on")
	refused(t, p, before, p.ScheduleContact(plan.NextContact{}, t0), "/kind", "/on")

	require.NoError(t, p.ScheduleContact(plan.NextContact{On: today.AddDays(7), Kind: plan.ContactPhone}, t0))
	// An earlier contact leaves the agreed one in place.
	require.NoError(t, p.AddContact(plan.Contact{At: t0.Add(time.Hour), Kind: plan.ContactMessage, By: "lw-1"}, t0.Add(time.Hour)))
	assert.Equal(t, today.AddDays(7), p.NextContact.On)
	// A contact on the day fulfils it.
	later := today.AddDays(7).Time().Add(10 * time.Hour)
	require.NoError(t, p.AddContact(plan.Contact{At: later, Kind: plan.ContactPhone, Minutes: 20, By: "lw-1"}, later))
	assert.True(t, p.NextContact.IsZero())
	// A contact that agrees the next one sets it.
	next := plan.NextContact{On: today.AddDays(14), Kind: plan.ContactFaceToFace}
	require.NoError(t, p.AddContact(plan.Contact{At: later.Add(time.Hour), Kind: plan.ContactPhone, Minutes: 5, By: "lw-1", Next: next}, later.Add(time.Hour)))
	assert.Equal(t, next, p.NextContact)
}

func TestRetriageKeepsHistory(t *testing.T) {
	p := newPlan(t) // level 2, 8 contacts
	day := 24 * time.Hour

	// Trust builds and more comes out: up to level 3.
	up := baseAssessment()
	up.AssessedAt = t0.Add(14 * day)
	up.Risks = []plan.RiskFlag{plan.RiskSelfHarm}
	r, err := p.Retriage(up, nil, t0.Add(14*day))
	require.NoError(t, err)
	assert.Equal(t, plan.Level3, r.Level)
	assert.Equal(t, 12, p.Budget.Total(), "the budget grows to the new level's suggestion")
	require.Len(t, p.Budget.Extensions, 1)
	assert.Contains(t, p.Budget.Extensions[0].Reason, "re-triaged to level 3")

	// Things settle: down to level 1; the budget does not shrink.
	down := baseAssessment()
	down.AssessedAt = t0.Add(60 * day)
	_, err = p.Retriage(down, nil, t0.Add(60*day))
	require.NoError(t, err)
	assert.Equal(t, plan.Level1, p.Level())
	assert.Equal(t, 12, p.Budget.Total())
	require.Len(t, p.Triage, 3)
	assert.Equal(t, []plan.LevelChange{
		{At: t0.Add(14 * day), From: 2, To: 3},
		{At: t0.Add(60 * day), From: 3, To: 1},
	}, p.LevelChanges())

	// An assessment older than the last triage, or from the future, is refused.
	before := snapshot(t, p)
	old := baseAssessment()
	old.AssessedAt = t0.Add(30 * day)
	_, err = p.Retriage(old, nil, t0.Add(61*day))
	refused(t, p, before, err, "/assessed_at")
	future := baseAssessment()
	future.AssessedAt = t0.Add(62 * day)
	future.Needs = []plan.AssessedNeed{need("dragons", plan.SeverityLow)}
	_, err = p.Retriage(future, nil, t0.Add(61*day))
	refused(t, p, before, err, "/assessed_at", "/needs/0/need")
}

func TestGoalsBarriersActivitiesReviews(t *testing.T) {
	p := newPlan(t)
	now := t0.Add(2 * time.Hour)
	before := snapshot(t, p)

	_, err := p.AddGoal(" ", "dragons", now)
	refused(t, p, before, err, "/need", "/text")
	refused(t, p, before, p.SetWhatMatters("\n", now), "/what_matters")
	refused(t, p, before, p.UpdateGoal(0, plan.GoalAchieved, "done", "lw-1", now), "/goals/0")

	require.NoError(t, p.SetWhatMatters("Getting out of the house and seeing people again", now))
	g, err := p.AddGoal("go to the singing group on my own", socialrx.NeedLoneliness, now)
	require.NoError(t, err)
	before = snapshot(t, p)
	refused(t, p, before, p.UpdateGoal(g, "", "", "", now), "/by", "/text")
	refused(t, p, before, p.UpdateGoal(g, "finished", "x", "lw-1", now), "/goals/0/status")
	require.NoError(t, p.UpdateGoal(g, "", "talked it through", "lw-1", now))
	assert.Equal(t, plan.GoalNotStarted, p.Goals[g].Status, "a note alone does not move the goal")

	before = snapshot(t, p)
	_, err = p.AddBarrier(plan.Barrier{Kind: "weather", Support: []plan.Support{{Kind: "magic"}}}, now)
	refused(t, p, before, err, "/kind", "/support/0/detail", "/support/0/kind")
	b, err := p.AddBarrier(plan.Barrier{Kind: plan.BarrierAnxietyNewPlaces, Note: "panics on buses"}, now)
	require.NoError(t, err)
	before = snapshot(t, p)
	refused(t, p, before, p.AddSupport(5, plan.Support{Kind: plan.SupportBuddyEscort, Detail: "x"}, now), "/barriers/5")
	require.NoError(t, p.AddSupport(b, plan.Support{Kind: plan.SupportBuddyEscort, Detail: "Pat will go with you to the first session"}, now))

	before = snapshot(t, p)
	_, err = p.AddActivity(plan.Activity{Kind: "club", RefID: "nope", Goals: []int{3}, AgreedOn: socialrx.DateOf(now).AddDays(1)}, now)
	refused(t, p, before, err, "/agreed_on", "/description", "/goals/0", "/kind", "/ref_id")
	a, err := p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: signpostID, Description: "Thursday singing group at St Margaret's", Goals: []int{g}}, now)
	require.NoError(t, err)
	assert.Equal(t, socialrx.DateOf(now), p.Activities[a].AgreedOn)
	before = snapshot(t, p)
	_, err = p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: signpostID, Description: "again", Goals: []int{g, g}}, now)
	refused(t, p, before, err, "/goals/1", "/ref_id")
	_, err = p.AddActivity(plan.Activity{Kind: plan.ActivityOnwardReferral, RefID: onwardID, Description: "Debt advice at Citizens Advice"}, now)
	require.NoError(t, err)

	before = snapshot(t, p)
	_, err = p.ScheduleReview(socialrx.DateOf(now).AddDays(-1), now)
	refused(t, p, before, err, "/due")
	r, err := p.ScheduleReview(socialrx.DateOf(now).AddDays(42), now)
	require.NoError(t, err)
	d, ok := p.NextReview()
	assert.True(t, ok)
	assert.Equal(t, socialrx.DateOf(now).AddDays(42), d)
	before = snapshot(t, p)
	refused(t, p, before, p.CompleteReview(r, "", "", now), "/by", "/notes")
	refused(t, p, before, p.CompleteReview(9, "x", "lw-1", now), "/reviews/9")
	require.NoError(t, p.CompleteReview(r, "going well", "lw-1", now))
	refused(t, p, snapshot(t, p), p.CompleteReview(r, "again", "lw-1", now), "/reviews/0/done_at")
	_, ok = p.NextReview()
	assert.False(t, ok)

	require.NoError(t, p.Check())
	doc, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, plan.Validate(doc))
}

func TestCheckFindsBrokenPlans(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *plan.Plan)
		paths  []string
	}{
		{"closed without when or why", func(p *plan.Plan) {
			p.Status = plan.StatusClosed
			p.History[0].To = plan.StatusClosed
		}, []string{"/close_reason", "/closed_at"}},
		{"active with a pause in progress", func(p *plan.Plan) {
			p.Pauses = []plan.Pause{{From: t0, Reason: plan.PauseCaring}}
		}, []string{"/pauses/0/until"}},
		{"empty triage, no budget", func(p *plan.Plan) { p.Triage = nil; p.Budget.Initial = 0 }, []string{"/budget/initial", "/triage"}},
		{"extension without a reason", func(p *plan.Plan) {
			p.Budget.Extensions = []plan.Extension{{Contacts: 1, By: "lw-1", At: t0}}
		}, []string{"/budget/extensions/0/reason"}},
		{"activity names a missing goal", func(p *plan.Plan) {
			p.Activities = []plan.Activity{{Kind: plan.ActivitySignpost, RefID: signpostID, Description: "x", Goals: []int{2}, AgreedOn: received}}
		}, []string{"/activities/0/goals/0"}},
		{"history disagrees with status", func(p *plan.Plan) { p.History[0].To = plan.StatusPaused }, []string{"/history/0/to"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlan(t)
			tc.change(p)
			err := p.Check()
			require.Error(t, err)
			assert.Equal(t, tc.paths, paths(err))
		})
	}
}
