package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

const (
	planID     = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10"
	referralID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f11"
	signpostID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f12"
	onwardID   = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f13"
)

// t0 is a Monday; the referral came in the week before.
var (
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	received = socialrx.MustParseDate("2026-02-24")
	worker   = plan.LinkWorker{ID: "lw-1", Name: "Sam Patel", Organisation: "Age UK Lambeth",
		Phone: "020 7946 0000", Email: "sam.patel@example.org", Hours: "Monday to Thursday, 9am to 5pm"}
)

func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("replace: " + old + " not in document")
	}
	return strings.Replace(s, old, new, 1)
}

// baseAssessment is someone with nothing that adds to the support needed.
func baseAssessment() plan.Assessment {
	return plan.Assessment{
		AssessedAt:     t0,
		AssessedBy:     "lw-1",
		Readiness:      plan.ReadinessReady,
		SupportNetwork: plan.NetworkGood,
	}
}

func triaged(t testing.TB, a plan.Assessment) plan.Result {
	t.Helper()
	r, err := plan.Triage(a, nil)
	require.NoError(t, err)
	return r
}

// newPlan makes an active plan at t0 from a level 2 triage (8 contacts).
func newPlan(t testing.TB) *plan.Plan {
	t.Helper()
	a := baseAssessment()
	a.Crises = []plan.Crisis{{Kind: plan.CrisisDebt}}
	a.Needs = []plan.AssessedNeed{{Need: socialrx.NeedDebtMoney, Severity: plan.SeverityModerate}}
	p, err := plan.New(plan.Start{ID: planID, ReferralID: referralID, ReferralDate: received,
		PersonName: "Joan", LinkWorker: worker, Triage: triaged(t, a), By: "lw-1"}, t0)
	require.NoError(t, err)
	return p
}

const goodAssessmentJSON = `{
  "assessed_at": "2026-03-02T09:00:00Z",
  "assessed_by": "lw-1",
  "needs": [{"need": "debt_money", "severity": "high"}, {"need": "loneliness_isolation", "severity": "moderate"}],
  "crises": [{"kind": "benefits_deadline", "deadline": "2026-03-20"}],
  "risks": ["alcohol_misuse"],
  "circumstances": ["lives_alone"],
  "readiness": "considering",
  "support_network": "limited"
}`

const goodPlanJSON = `{
  "id": "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10",
  "version": 3,
  "referral_id": "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f11",
  "referral_date": "2026-02-24",
  "link_worker": {"id": "lw-1", "name": "Sam Patel", "phone": "020 7946 0000"},
  "status": "active",
  "created_at": "2026-03-02T09:00:00Z",
  "updated_at": "2026-03-02T10:00:00Z",
  "triage": [{
    "level": 2, "pathway": "short_term_navigator", "contacts": 8, "score": 2,
    "reasons": [{"rule": "practical_crisis", "text": "A practical crisis.", "points": 2, "min_level": 2}],
    "rule_set": "socialrx-default", "rule_set_version": "1.0.0",
    "assessed_at": "2026-03-02T09:00:00Z", "assessed_by": "lw-1"
  }],
  "budget": {"initial": 8},
  "contacts": [{"at": "2026-03-02T10:00:00Z", "kind": "home_visit", "minutes": 60, "by": "lw-1"}],
  "goals": [{"text": "sort out the letters from the council", "need": "debt_money", "status": "in_progress", "set_at": "2026-03-02T10:00:00Z"}],
  "history": [{"at": "2026-03-02T09:00:00Z", "by": "lw-1", "to": "active"}]
}`
