package plan_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plan"
)

// TestSchemasFresh: every published schema is the one reflected from the Go
// types now, the binary embeds the committed file, and Schemas publishes
// exactly these names.
func TestSchemasFresh(t *testing.T) {
	schema.CheckPublished(t, ".", plan.Schemas(), map[string]any{
		"plan":       plan.Plan{},
		"assessment": plan.Assessment{},
		"ruleset":    plan.RuleSet{},
		"contact":    plan.Contact{},
	})
}

func TestSchemasAreCopies(t *testing.T) {
	plan.Schemas()["plan"][0] = 'x'
	assert.Equal(t, byte('{'), plan.Schemas()["plan"][0])
}

func TestValidateAs(t *testing.T) {
	rules, err := os.ReadFile("testdata/older_people_rules.json")
	require.NoError(t, err)
	contact := `{"at":"2026-03-02T10:00:00Z","kind":"phone","minutes":15,"by":"lw-1"}`
	tests := []struct {
		name      string
		good, bad string
		paths     []string
	}{
		{"plan", goodPlanJSON, replace(goodPlanJSON, `"status": "in_progress"`, `"status": "finished"`), []string{"/goals/0/status"}},
		{"assessment", goodAssessmentJSON, replace(goodAssessmentJSON, `"loneliness_isolation"`, `"debt_money"`), []string{"/needs/1/need"}},
		{"ruleset", string(rules), replace(string(rules), `"version": "2.1.0"`, `"version": "2.1.0", "author": "me"`), []string{"/author"}},
		{"contact", contact, replace(contact, `"minutes":15`, `"minutes":-1`), []string{"/minutes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, plan.ValidateAs(tc.name, []byte(tc.good)))
			err := plan.ValidateAs(tc.name, []byte(tc.bad))
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
			for _, other := range tests {
				if other.name != tc.name {
					assert.Error(t, plan.ValidateAs(tc.name, []byte(other.good)), "a %s is not a %s", other.name, tc.name)
				}
			}
		})
	}

	err = plan.ValidateAs("plan.schema.json", []byte(goodPlanJSON))
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, "assessment, contact, plan, ruleset")
}

// TestDefaultRulesDocFresh keeps default_rules.md in step with
// default_rules.json; regenerate with SOCIALRX_UPDATE_SCHEMAS=1.
func TestDefaultRulesDocFresh(t *testing.T) {
	got := plan.DefaultRules().Markdown()
	if os.Getenv(schema.UpdateEnv) != "" {
		require.NoError(t, os.WriteFile("default_rules.md", []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile("default_rules.md")
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "default_rules.md is stale: regenerate with %s=1 go test ./plan", schema.UpdateEnv)
}

func TestDefaultRulesMatchSchema(t *testing.T) {
	require.NoError(t, plan.ValidateRuleSet(plan.DefaultRulesJSON()))
	rs, err := plan.LoadRuleSet(plan.DefaultRulesJSON())
	require.NoError(t, err)
	assert.Equal(t, plan.DefaultRules(), rs)
	assert.Equal(t, "socialrx-default", rs.Name)
	assert.Equal(t, "1.0.0", rs.Version)
}

func TestValidateDocuments(t *testing.T) {
	tests := []struct {
		name     string
		validate func([]byte) error
		doc      string
		paths    []string
	}{
		{"plan: good", plan.Validate, goodPlanJSON, nil},
		{"plan: bad status and unknown field", plan.Validate,
			replace(goodPlanJSON, `"status": "active"`, `"status": "asleep", "colour": "red"`),
			[]string{"/colour", "/status"}},
		{"plan: contact before referral", plan.Validate,
			replace(goodPlanJSON, `"at": "2026-03-02T10:00:00Z"`, `"at": "2026-02-01T10:00:00Z"`),
			[]string{"/contacts/0/at"}},
		{"plan: goal status", plan.Validate,
			replace(goodPlanJSON, `"status": "in_progress"`, `"status": "finished"`),
			[]string{"/goals/0/status"}},
		{"plan: paused without a pause", plan.Validate,
			replace(replace(goodPlanJSON, `"status": "active"`, `"status": "paused"`), `"to": "active"`, `"to": "paused"`),
			[]string{"/pauses"}},
		{"plan: malformed", plan.Validate, `{"id":`, []string{""}},
		{"assessment: good", plan.ValidateAssessment, goodAssessmentJSON, nil},
		{"assessment: unknown need and risk", plan.ValidateAssessment,
			replace(replace(goodAssessmentJSON, `"debt_money"`, `"dragons"`), `"lives_alone"`, `"lives_on_mars"`),
			[]string{"/circumstances/0", "/needs/0/need"}},
		{"assessment: need twice", plan.ValidateAssessment,
			replace(goodAssessmentJSON, `"loneliness_isolation"`, `"debt_money"`),
			[]string{"/needs/1/need"}},
		{"contact: good", plan.ValidateContact, `{"at":"2026-03-02T10:00:00Z","kind":"phone","minutes":15,"by":"lw-1"}`, nil},
		{"contact: bad kind, minutes, missing by", plan.ValidateContact, `{"at":"2026-03-02T10:00:00Z","kind":"fax","minutes":-1}`,
			[]string{"/by", "/kind", "/minutes"}},
		{"contact: zero minutes face to face", plan.ValidateContact, `{"at":"2026-03-02T10:00:00Z","kind":"face_to_face","minutes":0,"by":"lw"}`,
			[]string{"/minutes"}},
		{"contact: next before it", plan.ValidateContact, `{"at":"2026-03-02T10:00:00Z","kind":"phone","minutes":5,"by":"lw","next":{"on":"2026-03-01","kind":"phone"}}`,
			[]string{"/next/on"}},
		{"rule set: good", plan.ValidateRuleSet, string(plan.DefaultRulesJSON()), nil},
		{"rule set: unknown field", plan.ValidateRuleSet, replace(string(plan.DefaultRulesJSON()), `"version": "1.0.0"`, `"version": "1.0.0", "author": "me"`),
			[]string{"/author"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.validate([]byte(tc.doc))
			if tc.paths == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}
}
