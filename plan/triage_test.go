package plan_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// reasonText returns the reason the default rule set gives for a rule id.
func reasonText(t *testing.T, rs *plan.RuleSet, id string) string {
	t.Helper()
	for _, f := range rs.Factors {
		if f.ID == id {
			return f.Reason
		}
	}
	for _, l := range rs.Levels {
		if l.ID == id {
			return l.Reason
		}
	}
	if id == plan.DefaultRuleID {
		return rs.Default.Reason
	}
	t.Fatalf("no rule %q", id)
	return ""
}

func need(n socialrx.Need, s plan.Severity) plan.AssessedNeed {
	return plan.AssessedNeed{Need: n, Severity: s}
}

// TestDefaultRulesEachFires shows every rule of the default rule set
// firing, with its reason, and the level, score and escalations that follow.
func TestDefaultRulesEachFires(t *testing.T) {
	rs := plan.DefaultRules()
	tests := []struct {
		rule        string // the rule under test
		change      func(a *plan.Assessment)
		level       plan.Level
		score       int
		escalations []plan.Escalation
		rules       []string // every reason, in order
	}{
		{plan.DefaultRuleID, func(a *plan.Assessment) {}, 1, 0, nil,
			[]string{"default", "level_1"}},
		{"safeguarding", func(a *plan.Assessment) { a.Risks = []plan.RiskFlag{plan.RiskSafeguarding} }, 3, 0,
			[]plan.Escalation{plan.EscalateSafeguarding}, []string{"safeguarding", "level_3"}},
		{"suicidal_thoughts_or_self_harm", func(a *plan.Assessment) { a.Risks = []plan.RiskFlag{plan.RiskSelfHarm} }, 3, 0,
			[]plan.Escalation{plan.EscalateMentalHealth}, []string{"suicidal_thoughts_or_self_harm", "level_3"}},
		{"serious_mental_illness", func(a *plan.Assessment) { a.Risks = []plan.RiskFlag{plan.RiskSeriousMentalIllness} }, 2, 3,
			[]plan.Escalation{plan.EscalateMentalHealth}, []string{"serious_mental_illness", "level_2"}},
		{"alcohol_or_substance_misuse", func(a *plan.Assessment) { a.Risks = []plan.RiskFlag{plan.RiskAlcoholMisuse} }, 1, 2,
			[]plan.Escalation{plan.EscalateSubstanceMisuse}, []string{"alcohol_or_substance_misuse", "level_1"}},
		{"practical_crisis", func(a *plan.Assessment) { a.Crises = []plan.Crisis{{Kind: plan.CrisisHousing}} }, 2, 2, nil,
			[]string{"practical_crisis", "level_2"}},
		{"several_crises", func(a *plan.Assessment) {
			a.Crises = []plan.Crisis{{Kind: plan.CrisisDebt}, {Kind: plan.CrisisBenefitsDeadline, Deadline: socialrx.MustParseDate("2026-03-20")}}
		}, 2, 4, nil, []string{"practical_crisis", "several_crises", "level_2"}},
		{"heavy_need", func(a *plan.Assessment) {
			a.Needs = []plan.AssessedNeed{need(socialrx.NeedBereavement, plan.SeverityHigh)}
		}, 1, 2, nil, []string{"heavy_need", "level_1"}},
		{"many_needs", func(a *plan.Assessment) {
			a.Needs = []plan.AssessedNeed{need(socialrx.NeedLoneliness, plan.SeverityModerate),
				need(socialrx.NeedBenefits, plan.SeverityModerate), need(socialrx.NeedFood, plan.SeverityModerate),
				need(socialrx.NeedArtsCulture, plan.SeverityLow)}
		}, 1, 2, nil, []string{"many_needs", "level_1"}},
		{"alone_with_little_support", func(a *plan.Assessment) {
			a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone}
			a.SupportNetwork = plan.NetworkLimited
		}, 1, 2, nil, []string{"alone_with_little_support", "level_1"}},
		{"no_one_to_turn_to", func(a *plan.Assessment) { a.SupportNetwork = plan.NetworkNone }, 1, 1, nil,
			[]string{"no_one_to_turn_to", "level_1"}},
		{"caring_duties", func(a *plan.Assessment) { a.Circumstances = []plan.Circumstance{plan.CircumstanceCaringDuties} }, 1, 1, nil,
			[]string{"caring_duties", "level_1"}},
		{"frailty_or_mobility", func(a *plan.Assessment) {
			a.Circumstances = []plan.Circumstance{plan.CircumstanceFrailtyOrMobility}
		}, 1, 1, nil, []string{"frailty_or_mobility", "level_1"}},
		{"digital_exclusion", func(a *plan.Assessment) {
			a.Circumstances = []plan.Circumstance{plan.CircumstanceDigitalExclusion}
		}, 1, 1, nil, []string{"digital_exclusion", "level_1"}},
		{"language_needs", func(a *plan.Assessment) { a.Circumstances = []plan.Circumstance{plan.CircumstanceLanguageNeeds} }, 1, 1, nil,
			[]string{"language_needs", "level_1"}},
		{"not_ready_yet", func(a *plan.Assessment) { a.Readiness = plan.ReadinessNotReady }, 1, 2, nil,
			[]string{"not_ready_yet", "level_1"}},
		{"level_1", func(a *plan.Assessment) { a.Circumstances = []plan.Circumstance{plan.CircumstanceCaringDuties} }, 1, 1, nil,
			[]string{"caring_duties", "level_1"}},
		{"level_2", func(a *plan.Assessment) {
			a.Circumstances = []plan.Circumstance{plan.CircumstanceCaringDuties, plan.CircumstanceDigitalExclusion}
			a.Readiness = plan.ReadinessNotReady
		}, 2, 4, nil, []string{"caring_duties", "digital_exclusion", "not_ready_yet", "level_2"}},
		{"level_3", func(a *plan.Assessment) {
			a.Needs = []plan.AssessedNeed{need(socialrx.NeedLoneliness, plan.SeverityHigh)}
			a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone}
			a.SupportNetwork = plan.NetworkNone
			a.Readiness = plan.ReadinessNotReady
		}, 3, 7, nil, []string{"heavy_need", "alone_with_little_support", "no_one_to_turn_to", "not_ready_yet", "level_3"}},
	}

	covered := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			a := baseAssessment()
			tc.change(&a)
			r, err := plan.Triage(a, rs)
			require.NoError(t, err)

			assert.Equal(t, tc.level, r.Level)
			assert.Equal(t, tc.score, r.Score)
			assert.Equal(t, tc.escalations, r.Escalations)
			lr := rs.Levels[tc.level-1]
			assert.Equal(t, lr.Pathway, r.Pathway)
			assert.Equal(t, lr.Contacts, r.Contacts)
			assert.Equal(t, "socialrx-default", r.RuleSet)
			assert.Equal(t, "1.0.0", r.RuleSetVersion)
			assert.Equal(t, a.AssessedBy, r.AssessedBy)

			var got []string
			for _, x := range r.Reasons {
				got = append(got, x.Rule)
				assert.Equal(t, reasonText(t, rs, x.Rule), x.Text, "reason of %s", x.Rule)
			}
			assert.Equal(t, tc.rules, got)
			assert.Contains(t, got, tc.rule, "the rule under test fired")
			assert.Contains(t, r.Explain(), reasonText(t, rs, tc.rule))
			covered[tc.rule] = true
		})
	}
	for _, f := range rs.Factors {
		assert.True(t, covered[f.ID], "default factor rule %q has no test", f.ID)
	}
	for _, l := range rs.Levels {
		assert.True(t, covered[l.ID], "default level rule %q has no test", l.ID)
	}
}

func TestTriageExplain(t *testing.T) {
	a := baseAssessment()
	a.Crises = []plan.Crisis{{Kind: plan.CrisisDebt}}
	a.Risks = []plan.RiskFlag{plan.RiskAlcoholMisuse}
	r := triaged(t, a)
	want := "Level 2: short-term navigator, 8 contacts (score 4, rule set socialrx-default 1.0.0).\n" +
		"Escalate: substance_misuse_service.\n" +
		"Because:\n" +
		"- alcohol_or_substance_misuse (+2, escalate: substance_misuse_service): " + reasonText(t, plan.DefaultRules(), "alcohol_or_substance_misuse") + "\n" +
		"- practical_crisis (+2, at least level 2): " + reasonText(t, plan.DefaultRules(), "practical_crisis") + "\n" +
		"- level_2: " + reasonText(t, plan.DefaultRules(), "level_2") + "\n"
	assert.Equal(t, want, r.Explain())
}

// withoutSafeguarding is a rule set that ignores safeguarding entirely and
// puts everyone at level 1: the built-in rule must still escalate.
const withoutSafeguarding = `{
  "name": "no-safeguarding", "version": "0.1.0",
  "factors": [
    {"id": "mental_health", "when": {"risks": ["safeguarding_concern", "suicidal_thoughts"]}, "escalate": "specialist_mental_health", "reason": "Mental health."}
  ],
  "levels": [{"id": "only", "level": 1, "pathway": "signpost", "min_score": 0, "contacts": 2, "reason": "Everyone gets level 1."}],
  "default": {"level": 1, "reason": "Level 1."}
}`

// TestSafeguardingAlwaysEscalates: a person with a safeguarding flag gets
// the safeguarding escalation whatever else is true, under every rule set.
func TestSafeguardingAlwaysEscalates(t *testing.T) {
	custom, err := plan.LoadRuleSet([]byte(withoutSafeguarding))
	require.NoError(t, err)
	ownRules, err := os.ReadFile("testdata/older_people_rules.json")
	require.NoError(t, err)
	older, err := plan.LoadRuleSet(ownRules)
	require.NoError(t, err)
	ruleSets := []*plan.RuleSet{nil, plan.DefaultRules(), custom, older}

	others := []plan.RiskFlag{plan.RiskSuicidalThoughts, plan.RiskSelfHarm, plan.RiskAlcoholMisuse, plan.RiskSubstanceMisuse, plan.RiskSeriousMentalIllness}
	circs := []plan.Circumstance{plan.CircumstanceLivesAlone, plan.CircumstanceCaringDuties, plan.CircumstanceFrailtyOrMobility, plan.CircumstanceDigitalExclusion, plan.CircumstanceLanguageNeeds}
	needSets := [][]plan.AssessedNeed{nil,
		{need(socialrx.NeedLoneliness, plan.SeverityLow)},
		{need(socialrx.NeedDebtMoney, plan.SeverityHigh), need(socialrx.NeedHousing, plan.SeverityHigh), need(socialrx.NeedFood, plan.SeverityModerate)}}
	crisisSets := [][]plan.Crisis{nil, {{Kind: plan.CrisisHousing}}, {{Kind: plan.CrisisDebt}, {Kind: plan.CrisisFood}}}

	n := 0
	for _, rs := range ruleSets {
		for mask := 0; mask < 1<<len(others); mask++ {
			for _, cmask := range []int{0, 1, 0b10110, 1<<len(circs) - 1} { // none, alone, some, all
				for _, ready := range plan.Readiness("").EnumValues() {
					for _, network := range plan.SupportNetwork("").EnumValues() {
						for i := range needSets {
							a := baseAssessment()
							a.Readiness, a.SupportNetwork = plan.Readiness(ready), plan.SupportNetwork(network)
							a.Needs, a.Crises = needSets[i], crisisSets[i]
							a.Risks = []plan.RiskFlag{plan.RiskSafeguarding}
							for b, r := range others {
								if mask&(1<<b) != 0 {
									a.Risks = append(a.Risks, r)
								}
							}
							for b, c := range circs {
								if cmask&(1<<b) != 0 {
									a.Circumstances = append(a.Circumstances, c)
								}
							}
							r, err := plan.Triage(a, rs)
							require.NoError(t, err)
							if !r.Escalates(plan.EscalateSafeguarding) {
								t.Fatalf("no safeguarding escalation for %+v under %v", a, rs)
							}
							n++
						}
					}
				}
			}
		}
	}
	assert.Equal(t, 4*32*4*4*3*3, n)

	// Under the rule set that ignores it, the built-in rule gives the reason.
	a := baseAssessment()
	a.Risks = []plan.RiskFlag{plan.RiskSafeguarding}
	r, err := plan.Triage(a, custom)
	require.NoError(t, err)
	assert.Equal(t, []plan.Escalation{plan.EscalateMentalHealth, plan.EscalateSafeguarding}, r.Escalations)
	require.Len(t, r.Reasons, 3)
	assert.Equal(t, plan.SafeguardingRuleID, r.Reasons[1].Rule)
	assert.Equal(t, plan.EscalateSafeguarding, r.Reasons[1].Escalate)
	assert.Contains(t, r.Reasons[1].Text, "safeguarding")
}

// TestCustomRuleSetChangesLevel loads a team's own rule set from JSON and
// gets a different level for the same assessment.
func TestCustomRuleSetChangesLevel(t *testing.T) {
	data, err := os.ReadFile("testdata/older_people_rules.json")
	require.NoError(t, err)
	rs, err := plan.LoadRuleSet(data)
	require.NoError(t, err)

	a := baseAssessment()
	a.Needs = []plan.AssessedNeed{need(socialrx.NeedLoneliness, plan.SeverityModerate)}
	a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone, plan.CircumstanceFrailtyOrMobility}
	a.SupportNetwork = plan.NetworkLimited

	def, err := plan.Triage(a, nil)
	require.NoError(t, err)
	own, err := plan.Triage(a, rs)
	require.NoError(t, err)

	assert.Equal(t, plan.Level2, def.Level, def.Explain())
	assert.Equal(t, plan.Level3, own.Level, own.Explain())
	assert.Equal(t, plan.PathwayLongTerm, own.Pathway)
	assert.Equal(t, 10, own.Contacts)
	assert.Equal(t, "older-people-lambeth", own.RuleSet)
	assert.Equal(t, "2.1.0", own.RuleSetVersion)
	assert.Equal(t, "socialrx-default", def.RuleSet)

	// A score in the gap between its bands gets the rule set's default.
	b := baseAssessment()
	b.Circumstances = []plan.Circumstance{plan.CircumstanceDigitalExclusion}
	r, err := plan.Triage(b, rs)
	require.NoError(t, err)
	assert.Equal(t, plan.Level2, r.Level)
	assert.Equal(t, []string{"digital_exclusion", plan.DefaultRuleID, "level_2"}, []string{r.Reasons[0].Rule, r.Reasons[1].Rule, r.Reasons[2].Rule})
}

func TestTriageBadInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *plan.Assessment)
		paths  []string
	}{
		{"no assessor", func(a *plan.Assessment) { a.AssessedBy = " " }, []string{"/assessed_by"}},
		{"unknown need", func(a *plan.Assessment) { a.Needs = []plan.AssessedNeed{need("dragons", plan.SeverityLow)} }, []string{"/needs/0/need"}},
		{"need twice, bad severity", func(a *plan.Assessment) {
			a.Needs = []plan.AssessedNeed{need(socialrx.NeedFood, plan.SeverityLow), need(socialrx.NeedFood, "dire")}
		}, []string{"/needs/1/need", "/needs/1/severity"}},
		{"unknown crisis", func(a *plan.Assessment) { a.Crises = []plan.Crisis{{Kind: "flood"}} }, []string{"/crises/0/kind"}},
		{"risk twice and unknown", func(a *plan.Assessment) {
			a.Risks = []plan.RiskFlag{plan.RiskSelfHarm, "gambling", plan.RiskSelfHarm}
		}, []string{"/risks/1", "/risks/2"}},
		{"unknown circumstance", func(a *plan.Assessment) { a.Circumstances = []plan.Circumstance{"homeless"} }, []string{"/circumstances/0"}},
		{"readiness and network missing", func(a *plan.Assessment) { a.Readiness, a.SupportNetwork = "", "" }, []string{"/readiness", "/support_network"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := baseAssessment()
			tc.change(&a)
			_, err := plan.Triage(a, nil)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}

	t.Run("no time", func(t *testing.T) {
		a := baseAssessment()
		a.AssessedAt = time.Time{}
		_, err := plan.Triage(a, nil)
		assert.Equal(t, []string{"/assessed_at"}, paths(err))
	})

	t.Run("invalid rule set is named under /rule_set", func(t *testing.T) {
		rs := plan.DefaultRules()
		rs.Default.Level = 0
		a := baseAssessment()
		a.Needs = []plan.AssessedNeed{need("dragons", plan.SeverityLow)}
		_, err := plan.Triage(a, rs)
		assert.Equal(t, []string{"/needs/0/need", "/rule_set/default/level"}, paths(err))
	})
}
