package plan_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// BenchmarkTriageDefault triages a typical assessment (several needs, a
// crisis, a risk flag, circumstances) with the default rules; the rule set
// is checked on every call, as Triage does for a caller's rule set.
func BenchmarkTriageDefault(b *testing.B) {
	a := baseAssessment()
	a.Needs = []plan.AssessedNeed{need(socialrx.NeedDebtMoney, plan.SeverityHigh),
		need(socialrx.NeedLoneliness, plan.SeverityModerate), need(socialrx.NeedHousing, plan.SeverityModerate)}
	a.Crises = []plan.Crisis{{Kind: plan.CrisisHousing}}
	a.Risks = []plan.RiskFlag{plan.RiskAlcoholMisuse}
	a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone, plan.CircumstanceCaringDuties}
	a.SupportNetwork = plan.NetworkLimited
	rs := plan.DefaultRules()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Triage(a, rs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummarise200 summarises a caseload of 200 open plans, each with
// contacts, a next contact and reviews.
func BenchmarkSummarise200(b *testing.B) {
	day := 24 * time.Hour
	plans := make([]plan.Plan, 200)
	for i := range plans {
		p := atLevel(b, fmt.Sprintf("00000000-0000-7000-8000-%012d", i), plan.Level(i%3+1))
		for c := range i % 4 {
			at := t0.Add(time.Duration(c*3+i%5) * day)
			if err := p.AddContact(plan.Contact{At: at, Kind: plan.ContactPhone, Minutes: 15, By: "lw-1"}, at); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.ScheduleContact(plan.NextContact{On: socialrx.DateOf(t0).AddDays(20 + i%14), Kind: plan.ContactPhone}, t0.Add(20*day)); err != nil {
			b.Fatal(err)
		}
		for r := range 2 {
			if _, err := p.ScheduleReview(socialrx.DateOf(t0).AddDays(14*(r+1)+i%10), t0); err != nil {
				b.Fatal(err)
			}
		}
		if i%10 == 0 {
			if err := p.Pause(plan.PauseHospitalStay, "", "lw-1", t0.Add(21*day)); err != nil {
				b.Fatal(err)
			}
		}
		plans[i] = *p
	}
	now := t0.Add(30 * day)
	b.ReportAllocs()
	for b.Loop() {
		c, err := plan.Summarise(plans, plan.CaseloadOptions{NoContactDays: 10}, now)
		if err != nil || c.Open != 200 {
			b.Fatal(c.Open, err)
		}
	}
}
