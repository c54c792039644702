package plan_test

import (
	"fmt"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// Example shows the main flow: triage an assessment, make the person's
// plan, record contacts against the budget, and print their summary.
func Example() {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	// 1. Triage with the default rules.
	r, err := plan.Triage(plan.Assessment{
		AssessedAt: now,
		AssessedBy: "lw-1",
		Needs: []plan.AssessedNeed{
			{Need: socialrx.NeedDebtMoney, Severity: plan.SeverityHigh},
			{Need: socialrx.NeedLoneliness, Severity: plan.SeverityModerate},
		},
		Crises:         []plan.Crisis{{Kind: plan.CrisisBenefitsDeadline, Deadline: socialrx.MustParseDate("2026-03-20")}},
		Readiness:      plan.ReadinessReady,
		SupportNetwork: plan.NetworkGood,
	}, plan.DefaultRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r.Explain())

	// 2. The plan, for the accepted referral.
	p, err := plan.New(plan.Start{
		ID:           "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10",
		ReferralID:   "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f11",
		ReferralDate: socialrx.MustParseDate("2026-02-24"),
		PersonName:   "Joan",
		LinkWorker:   plan.LinkWorker{ID: "lw-1", Name: "Sam Patel", Phone: "020 7946 0000"},
		WhatMatters:  "Not dreading the post every morning",
		Triage:       r,
		By:           "lw-1",
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	goal, _ := p.AddGoal("Get my benefits sorted before the deadline", socialrx.NeedBenefits, now)
	_, err = p.AddActivity(plan.Activity{
		Kind:        plan.ActivityOnwardReferral,
		RefID:       "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f13",
		Description: "Citizens Advice will call you about your benefits form",
		Goals:       []int{goal},
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}

	// 3. Contacts against the budget.
	err = p.AddContact(plan.Contact{At: now, Kind: plan.ContactHomeVisit, Minutes: 70, By: "lw-1",
		Next: plan.NextContact{On: socialrx.MustParseDate("2026-03-09"), Kind: plan.ContactPhone}}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = p.AddContact(plan.Contact{At: now.Add(time.Hour), Kind: plan.ContactMessage, By: "lw-1"}, now.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	u := p.Usage(now.Add(time.Hour))
	fmt.Printf("Contacts: %d used of %d, %d left.\n\n", u.ContactsUsed, u.ContactsBudget, u.ContactsRemaining)

	// 4. The one-page summary for Joan.
	fmt.Print(plan.NewSummary(p, now).Text())

	// Output:
	// Level 2: short-term navigator, 8 contacts (score 4, rule set socialrx-default 1.0.0).
	// Because:
	// - practical_crisis (+2, at least level 2): A practical crisis (housing, debt, a benefits deadline, no food) needs hands-on help now, before anything else will stick.
	// - heavy_need (+2): At least one need weighs heavily on the person.
	// - level_2: Level 2, short-term navigator: 6 to 8 weeks of hands-on help with a specific, often practical problem.
	// Contacts: 2 used of 8, 6 left.
	//
	// Plan for Joan
	// Prepared on Monday 2 March 2026
	//
	// YOUR LINK WORKER
	// Sam Patel
	// Phone: 020 7946 0000
	//
	// WHAT MATTERS TO YOU
	// "Not dreading the post every morning"
	//
	// YOUR GOALS
	// - Get my benefits sorted before the deadline (not started yet)
	//
	// WHAT WE AGREED
	// - Citizens Advice will call you about your benefits form
	//
	// YOUR NEXT CONTACT
	// A phone call on Monday 9 March 2026.
}

// ExampleLoadRuleSet loads a team's own rule set; every result names it.
func ExampleLoadRuleSet() {
	rs, err := plan.LoadRuleSet([]byte(`{
	  "name": "camden-2026", "version": "1.2.0",
	  "factors": [{"id": "alone", "when": {"circumstances": ["lives_alone"]}, "points": 3,
	               "reason": "Lives alone: isolation is the first thing to tackle."}],
	  "levels": [
	    {"id": "light", "level": 1, "pathway": "signpost", "min_score": 0, "max_score": 2, "contacts": 3, "reason": "Light touch."},
	    {"id": "connector", "level": 3, "pathway": "long_term_connector", "min_score": 3, "contacts": 12, "reason": "Long-term connector."}
	  ],
	  "default": {"level": 1, "reason": "Light touch."}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := plan.Triage(plan.Assessment{
		AssessedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), AssessedBy: "lw-1",
		Circumstances: []plan.Circumstance{plan.CircumstanceLivesAlone},
		Readiness:     plan.ReadinessReady, SupportNetwork: plan.NetworkGood,
	}, rs)
	fmt.Printf("level %d by %s %s: %s\n", r.Level, r.RuleSet, r.RuleSetVersion, r.Reasons[0].Text)

	_, err = plan.LoadRuleSet([]byte(`{"name": "x", "version": "1.0.0", "factors": [],
	  "levels": [{"id": "a", "level": 1, "pathway": "signpost", "min_score": 0, "max_score": 3, "contacts": 3, "reason": "A."},
	             {"id": "b", "level": 2, "pathway": "short_term_navigator", "min_score": 3, "contacts": 6, "reason": "B."}],
	  "default": {"level": 1, "reason": "A."}}`))
	fmt.Println(err)
	// Output:
	// level 3 by camden-2026 1.2.0: Lives alone: isolation is the first thing to tackle.
	// invalid: /levels/1/min_score: overlaps level rule "a": scores 3 are in both
}
