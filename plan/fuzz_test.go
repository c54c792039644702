package plan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// invalidWithFields checks err is a CodeInvalid error naming at least one field.
func invalidWithFields(t *testing.T, err error) {
	t.Helper()
	require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
	require.NotEmpty(t, socialrx.ErrorFields(err))
}

// checkResult checks the invariants of every triage result.
func checkResult(t *testing.T, a plan.Assessment, r plan.Result) {
	t.Helper()
	require.True(t, r.Level.Valid(), "level %d", r.Level)
	require.GreaterOrEqual(t, r.Contacts, 1)
	require.NotEmpty(t, r.Reasons)
	require.NotEmpty(t, r.RuleSet)
	require.NotEmpty(t, r.RuleSetVersion)
	if a.Has(plan.RiskSafeguarding) {
		require.True(t, r.Escalates(plan.EscalateSafeguarding), "safeguarding must always escalate")
	}
}

func FuzzLoadRuleSet(f *testing.F) {
	f.Add(plan.DefaultRulesJSON())
	f.Add([]byte(withoutSafeguarding))
	files, _ := filepath.Glob("testdata/*rules*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","version":"1.0.0","factors":[],"levels":[{"id":"a","level":1,"pathway":"signpost","min_score":0,"contacts":1,"reason":"r"}],"default":{"level":1,"reason":"r"}}`))
	f.Add([]byte(`{"name":"x","version":"1.0.0","factors":[{"id":"f","when":{},"reason":"r"}],"levels":[],"default":{}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{`))

	a := baseAssessment()
	a.Risks = []plan.RiskFlag{plan.RiskSafeguarding, plan.RiskSelfHarm}
	a.Needs = []plan.AssessedNeed{need(socialrx.NeedHousing, plan.SeverityHigh)}
	a.Crises = []plan.Crisis{{Kind: plan.CrisisHousing}}
	a.Circumstances = []plan.Circumstance{plan.CircumstanceLivesAlone}
	assessments := []plan.Assessment{baseAssessment(), a}

	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := plan.LoadRuleSet(data)
		if err != nil {
			invalidWithFields(t, err)
			assert.Nil(t, rs)
			return
		}
		require.NoError(t, rs.Check())
		_ = rs.Markdown()
		for _, a := range assessments {
			r, err := plan.Triage(a, rs)
			require.NoError(t, err)
			checkResult(t, a, r)
			assert.Equal(t, rs.Name, r.RuleSet)
		}
	})
}

func FuzzTriage(f *testing.F) {
	f.Add([]byte(goodAssessmentJSON))
	f.Add([]byte(`{"assessed_at":"2026-03-02T09:00:00Z","assessed_by":"x","risks":["safeguarding_concern"],"readiness":"ready","support_network":"good"}`))
	f.Add([]byte(`{"assessed_at":"2026-03-02T09:00:00Z","assessed_by":"x","risks":["self_harm","self_harm"],"readiness":"ready","support_network":"good"}`))
	f.Add([]byte(`{"assessed_at":"2026-03-02T09:00:00Z","assessed_by":"x","needs":[{"need":"food","severity":"high"},{"need":"housing","severity":"high"},{"need":"benefits","severity":"moderate"}],"crises":[{"kind":"food"},{"kind":"debt"}],"circumstances":["lives_alone","caring_duties","frailty_or_mobility","digital_exclusion","language_needs"],"readiness":"not_ready","support_network":"none"}`))
	f.Add([]byte(`{"readiness":"ready"}`))
	f.Add([]byte(`null`))

	f.Fuzz(func(t *testing.T, data []byte) {
		err := plan.ValidateAssessment(data)
		if err != nil {
			invalidWithFields(t, err)
			return
		}
		var a plan.Assessment
		require.NoError(t, json.Unmarshal(data, &a))
		r, err := plan.Triage(a, nil)
		require.NoError(t, err)
		checkResult(t, a, r)
		r2, err := plan.Triage(a, plan.DefaultRules())
		require.NoError(t, err)
		assert.Equal(t, r, r2, "nil means the default rules")
	})
}

func FuzzValidatePlan(f *testing.F) {
	f.Add([]byte(goodPlanJSON))
	full, err := json.Marshal(fullPlan(&testing.T{}))
	require.NoError(f, err)
	f.Add(full)
	f.Add([]byte(`{"id":"x"}`))
	f.Add([]byte(`{}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		err := plan.Validate(data)
		if err != nil {
			invalidWithFields(t, err)
			return
		}
		var p plan.Plan
		require.NoError(t, json.Unmarshal(data, &p))
		require.NoError(t, p.Check())
		now := p.UpdatedAt
		u := p.Usage(now)
		assert.GreaterOrEqual(t, u.Active, u.Active-u.Active) // never panics; durations computed
		assert.GreaterOrEqual(t, u.Paused.Nanoseconds(), int64(0))
		s := plan.NewSummary(&p, now)
		_ = s.Text()
		_, err = s.HTML()
		require.NoError(t, err)
		_, err = plan.Summarise([]plan.Plan{p}, plan.CaseloadOptions{}, now)
		require.NoError(t, err)
	})
}

func FuzzValidateContact(f *testing.F) {
	f.Add([]byte(`{"at":"2026-03-02T10:00:00Z","kind":"phone","minutes":15,"by":"lw-1"}`))
	f.Add([]byte(`{"at":"2026-03-02T10:00:00Z","kind":"home_visit","minutes":90,"by":"lw-1","notes":"first visit","next":{"on":"2026-03-09","kind":"phone"}}`))
	f.Add([]byte(`{"at":"2026-02-01T10:00:00Z","kind":"message","minutes":0,"by":"lw-1"}`))
	f.Add([]byte(`{"at":"2026-03-02T10:00:00Z","kind":"fax","minutes":-1}`))
	f.Add([]byte(`{"at":"yesterday"}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		err := plan.ValidateContact(data)
		if err != nil {
			invalidWithFields(t, err)
			return
		}
		var c plan.Contact
		require.NoError(t, json.Unmarshal(data, &c))
		require.NoError(t, c.Check())
		p := newPlan(t)
		before := snapshot(t, p)
		now := c.At
		if now.Before(t0) {
			now = t0
		}
		if err := p.AddContact(c, now); err != nil {
			invalidWithFields(t, err)
			assert.Equal(t, before, snapshot(t, p), "a refused contact changes nothing")
			return
		}
		assert.Equal(t, 1, p.Usage(now).ContactsUsed)
	})
}
