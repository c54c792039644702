package plan_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

func intp(i int) *int { return &i }

// TestLoadRuleSetBadRules: each broken rule set is refused with invalid,
// naming the field and the rule it breaks.
func TestLoadRuleSetBadRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(rs *plan.RuleSet)
		paths  []string
		rule   string // a word the first rule must contain
	}{
		{"overlapping level rules", func(rs *plan.RuleSet) { rs.Levels[1].MinScore = 2 },
			[]string{"/levels/1/min_score"}, `overlaps level rule "level_1": scores 2 are in both`},
		{"open band overlapping", func(rs *plan.RuleSet) { rs.Levels[0].MaxScore = nil },
			[]string{"/levels/1/min_score", "/levels/2/min_score"}, "overlaps"},
		{"a higher score gives a lower level", func(rs *plan.RuleSet) {
			rs.Levels[1].Level, rs.Levels[2].Level = 3, 2
			rs.Levels[1].Contacts, rs.Levels[2].Contacts = 12, 8
		}, []string{"/levels/2/level"}, `contradicts level rule "level_2": scores 6 or more give level 2 but lower scores 3 to 5 give level 3`},
		{"a higher level suggests fewer contacts", func(rs *plan.RuleSet) { rs.Levels[2].Contacts = 6 },
			[]string{"/levels/2/contacts"}, "contradicts"},
		{"a level defined twice", func(rs *plan.RuleSet) {
			rs.Levels = rs.Levels[:2]
			rs.Levels = append(rs.Levels, plan.LevelRule{ID: "level_2b", Level: 2, Pathway: plan.PathwayShortTerm, MinScore: 6, Contacts: 8, Reason: "More level 2."})
			for i := range rs.Factors {
				if rs.Factors[i].MinLevel == 3 {
					rs.Factors[i].MinLevel = 2
				}
			}
		}, []string{"/levels/2/level"}, "level 2 is defined twice"},
		{"no default level", func(rs *plan.RuleSet) { rs.Default = plan.DefaultRule{} },
			[]string{"/default/level", "/default/reason"}, "required"},
		{"default names a level with no rule", func(rs *plan.RuleSet) { rs.Levels = rs.Levels[:2]; rs.Default.Level = 3 },
			[]string{"/default/level", "/factors/0/min_level", "/factors/1/min_level"}, "no level rule defines level 3"},
		{"max below min", func(rs *plan.RuleSet) { rs.Levels[0].MaxScore = intp(0) },
			[]string{"/levels/0/max_score"}, "must not be below"},
		{"empty condition", func(rs *plan.RuleSet) { rs.Factors[4].When = plan.Condition{} },
			[]string{"/factors/4/when"}, "at least one part"},
		{"a rule that does nothing", func(rs *plan.RuleSet) { rs.Factors[5].Points = 0 },
			[]string{"/factors/5"}, "does nothing"},
		{"a rule that can never fire", func(rs *plan.RuleSet) { rs.Factors[1].When.MinRisks = 3 },
			[]string{"/factors/1/when/min_risks"}, "can never fire"},
		{"duplicate and reserved ids", func(rs *plan.RuleSet) { rs.Factors[1].ID = "safeguarding"; rs.Factors[2].ID = "default" },
			[]string{"/factors/1/id", "/factors/2/id"}, "already used"},
		{"no reason", func(rs *plan.RuleSet) { rs.Factors[0].Reason = " "; rs.Levels[0].Reason = "" },
			[]string{"/factors/0/reason", "/levels/0/reason"}, "required"},
		{"need listed twice", func(rs *plan.RuleSet) {
			rs.Factors[6].When.Needs = []socialrx.Need{socialrx.NeedFood, socialrx.NeedFood}
		}, []string{"/factors/6/when/needs/1"}, "listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := plan.DefaultRules()
			tc.change(rs)
			err := rs.Check()
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
			assert.Contains(t, socialrx.ErrorFields(err)[0].Rule, tc.rule)

			// The same rule set as JSON is refused by LoadRuleSet at the same places.
			data, err := json.Marshal(rs)
			require.NoError(t, err)
			_, err = plan.LoadRuleSet(data)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.NotEmpty(t, paths(err))
		})
	}
}

// TestLoadRuleSetBadJSON: faults the schema catches, at their JSON pointers.
func TestLoadRuleSetBadJSON(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]any)
		paths  []string
	}{
		{"unknown top-level field", func(m map[string]any) { m["author"] = "me" }, []string{"/author"}},
		{"unknown field in a rule", func(m map[string]any) { factor(m, 0)["colour"] = "red" }, []string{"/factors/0/colour"}},
		{"unknown field in a condition", func(m map[string]any) { factor(m, 0)["when"].(map[string]any)["mood"] = "low" },
			[]string{"/factors/0/when/mood"}},
		{"unknown need code", func(m map[string]any) { factor(m, 6)["when"].(map[string]any)["needs"] = []any{"food", "dragons"} },
			[]string{"/factors/6/when/needs/1"}},
		{"no default", func(m map[string]any) { delete(m, "default") }, []string{"/default"}},
		{"no name, bad version", func(m map[string]any) { delete(m, "name"); m["version"] = "1.0" }, []string{"/name", "/version"}},
		{"level out of range", func(m map[string]any) { m["levels"].([]any)[0].(map[string]any)["level"] = 4 }, []string{"/levels/0/level"}},
		{"not an object", func(m map[string]any) { clear(m) }, []string{"/default", "/factors", "/levels", "/name", "/version"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(plan.DefaultRulesJSON(), &m))
			tc.change(m)
			data, err := json.Marshal(m)
			require.NoError(t, err)
			rs, err := plan.LoadRuleSet(data)
			require.Error(t, err)
			assert.Nil(t, rs)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}

	t.Run("malformed", func(t *testing.T) {
		_, err := plan.LoadRuleSet([]byte(`{"name": `))
		assert.Equal(t, []string{""}, paths(err))
	})
	t.Run("trailing data", func(t *testing.T) {
		_, err := plan.LoadRuleSet(append(plan.DefaultRulesJSON(), []byte(` {}`)...))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	})
}

func factor(m map[string]any, i int) map[string]any { return m["factors"].([]any)[i].(map[string]any) }

func TestDefaultRulesIsACopy(t *testing.T) {
	a := plan.DefaultRules()
	a.Factors[0].Points = 9
	a.Levels[0].Contacts = 1
	b := plan.DefaultRules()
	assert.Equal(t, 0, b.Factors[0].Points)
	assert.Equal(t, 4, b.Levels[0].Contacts)

	// Triage with nil uses the shipped rules, untouched by the change above.
	x := baseAssessment()
	x.Circumstances = []plan.Circumstance{plan.CircumstanceCaringDuties}
	r := triaged(t, x)
	assert.Equal(t, 4, r.Contacts)
}

func TestConditionMatches(t *testing.T) {
	a := baseAssessment()
	a.Needs = []plan.AssessedNeed{need(socialrx.NeedFood, plan.SeverityLow), need(socialrx.NeedHousing, plan.SeverityHigh)}
	a.Crises = []plan.Crisis{{Kind: plan.CrisisDebt}}
	a.Risks = []plan.RiskFlag{plan.RiskSelfHarm}
	a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone, plan.CircumstanceCaringDuties}
	tests := []struct {
		name string
		c    plan.Condition
		want bool
	}{
		{"any need", plan.Condition{MinNeeds: 1}, true},
		{"two needs", plan.Condition{MinNeeds: 2}, true},
		{"three needs", plan.Condition{MinNeeds: 3}, false},
		{"listed need", plan.Condition{Needs: []socialrx.Need{socialrx.NeedFood}}, true},
		{"listed need at severity", plan.Condition{Needs: []socialrx.Need{socialrx.NeedFood}, MinSeverity: plan.SeverityModerate}, false},
		{"high severity", plan.Condition{MinSeverity: plan.SeverityHigh}, true},
		{"crisis of a kind", plan.Condition{Crises: []plan.CrisisKind{plan.CrisisDebt, plan.CrisisFood}}, true},
		{"crisis not of a kind", plan.Condition{Crises: []plan.CrisisKind{plan.CrisisHousing}}, false},
		{"risk", plan.Condition{Risks: []plan.RiskFlag{plan.RiskSelfHarm}}, true},
		{"two risks", plan.Condition{MinRisks: 2}, false},
		{"both circumstances", plan.Condition{Circumstances: []plan.Circumstance{plan.CircumstanceLivesAlone, plan.CircumstanceCaringDuties}, MinCircumstances: 2}, true},
		{"readiness", plan.Condition{Readiness: []plan.Readiness{plan.ReadinessNotReady}}, false},
		{"network", plan.Condition{SupportNetwork: []plan.SupportNetwork{plan.NetworkGood}}, true},
		{"all parts must hold", plan.Condition{MinNeeds: 1, Readiness: []plan.Readiness{plan.ReadinessNotReady}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.Matches(&a))
		})
	}
}
