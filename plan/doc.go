// Package plan is the link worker's side of social prescribing: complexity
// triage, the person's own plan, contacts counted against a budget, pauses,
// and the caseload.
//
// The main flow, for a referral the service has accepted:
//
//	// 1. Triage an assessment with the default rules (or a team's own,
//	//    loaded with LoadRuleSet). The result gives a level (1 to 3), a
//	//    pathway, any escalation, a contact budget and every reason.
//	r, err := plan.Triage(assessment, plan.DefaultRules())
//
//	// 2. Make the plan and fill it in with the person.
//	p, err := plan.New(plan.Start{ID: id, ReferralID: ref, ReferralDate: received,
//		LinkWorker: worker, Triage: r, By: worker.ID}, now)
//	i, err := p.AddGoal("get back to my allotment", socialrx.NeedNatureGardening, now)
//	_, err = p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: signpostID,
//		Description: "Tuesday gardening club", Goals: []int{i}}, now)
//
//	// 3. Record contacts against the budget; pause and resume; re-triage.
//	err = p.AddContact(plan.Contact{At: now, Kind: plan.ContactHomeVisit, Minutes: 60, By: worker.ID}, now)
//	err = p.ExtendBudget(2, "bereavement in the family", worker.ID, now)
//	err = p.Pause(plan.PauseHospitalStay, "", worker.ID, now)
//	u := p.Usage(now) // contacts used and remaining, time active and paused
//
//	// 4. Give the person their one-page summary; watch the caseload.
//	text := plan.NewSummary(p, now).Text()
//	c, err := plan.Summarise(openPlans, plan.CaseloadOptions{}, now)
//	fit, err := c.CanTake(plan.Level3, 30)
//
// Triage is data-driven and explainable: a [RuleSet] is JSON
// (ruleset.schema.json), named and versioned, and every [Result] records
// the rule set and the words of each rule that fired. The default rules
// are default_rules.json, documented in default_rules.md. A safeguarding
// concern is always escalated, whatever the rule set says.
//
// The package is pure: no I/O, no clock reads (every function that needs
// the time takes now), no goroutines. A plan links to signposts and onward
// referrals by their ids and does not import the referral package. Bad
// input returns a [socialrx.Error] with code invalid naming each field (a
// JSON pointer) and rule, and changes nothing.
package plan
