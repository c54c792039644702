// Package plan is the link worker's side of social prescribing: complexity
// triage, the person's own plan, contacts counted against a budget, pauses,
// and the caseload.
//
// The main flow, for a referral the service has accepted, is the
// package's Example (example_test.go): [Triage] an assessment with
// [DefaultRules] (or a team's own, loaded with [LoadRuleSet], as
// ExampleLoadRuleSet shows), which gives a level, a pathway, any
// escalation, a contact budget and every reason; make the plan with [New]
// and fill it in with the person ([Plan.AddGoal], [Plan.AddActivity]);
// record contacts against the budget ([Plan.AddContact],
// [Plan.ExtendBudget], [Plan.Usage]), pause and resume; give the person
// their one-page summary ([NewSummary]); and watch the caseload
// ([Summarise]).
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
