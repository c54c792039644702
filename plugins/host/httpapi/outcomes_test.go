package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/referral"
)

// swemwbs is a SWEMWBS measurement request with all seven items at v.
func swemwbs(point, date string, v int) map[string]any {
	var answers []map[string]any
	for _, item := range []string{"optimism", "useful", "relaxed", "dealing_with_problems", "thinking_clearly", "close_to_others", "own_mind"} {
		answers = append(answers, map[string]any{"item": item, "value": v})
	}
	return map[string]any{"instrument": "swemwbs", "instrument_version": "1", "time_point": point, "date": date, "mode": "in_person", "answers": answers}
}

func TestMeasurementsAndReport(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	path := "/v1/referrals/" + ids["{id}"] + "/measurements"

	res := e.do(referral.RoleLinkWorker, "POST", path, swemwbs("baseline", "2026-11-02", 2))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var m outcomes.Measurement
	res.decode(t, &m)
	assert.False(t, m.EvaluationConsent, "the testdata person refused evaluation")
	assert.Equal(t, "SE11", m.Context.Area)
	assert.Equal(t, "gp", m.Context.ReferralSource)
	assert.NotEmpty(t, m.Context.TriageLevel, "filled from the plan")
	require.NotEmpty(t, m.Scores)

	// Bad input: out of range, unknown instrument, follow-up before baseline.
	for name, body := range map[string]map[string]any{
		"out of range":       swemwbs("end", "2026-11-02", 6),
		"unknown instrument": func() map[string]any { b := swemwbs("end", "2026-11-02", 3); b["instrument"] = "happiness"; return b }(),
		"before baseline":    swemwbs("follow_up", "2026-11-01", 3),
		"in the future":      swemwbs("follow_up", "2027-01-01", 3),
		"wrong number of items": func() map[string]any {
			b := swemwbs("end", "2026-11-02", 3)
			b["answers"] = b["answers"].([]map[string]any)[:3]
			return b
		}(),
	} {
		res := e.do(referral.RoleLinkWorker, "POST", path, body)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
	}

	// Partners and referrers may not record; commissioners may read only the report.
	assert.Equal(t, http.StatusForbidden, e.do(referral.RolePartner, "POST", path, swemwbs("baseline", "2026-11-02", 3)).status)
	res = e.do(referral.RoleCommissioner, "GET", "/v1/reports/outcomes?breakdown=triage_level&breakdown=referral_source:area", nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	require.NoError(t, outcomes.ValidateReport(res.body))
	assert.NotContains(t, string(res.body), "9434765919")
	res = e.do(referral.RoleCommissioner, "GET", "/v1/reports/outcomes?format=csv", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.True(t, strings.HasPrefix(res.header.Get("Content-Type"), "text/csv"))
	assert.Equal(t, http.StatusBadRequest, e.do(referral.RoleCommissioner, "GET", "/v1/reports/outcomes?breakdown=shoe_size", nil).status)
	assert.Equal(t, http.StatusForbidden, e.do(referral.RoleLinkWorker, "GET", "/v1/reports/outcomes", nil).status)
}

func TestFollowUpReminderOnceUnlessTaken(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	ids := journeyState(t, e)
	path := "/v1/referrals/" + ids["{id}"] + "/measurements"
	require.Equal(t, http.StatusCreated, e.do(referral.RoleLinkWorker, "POST", path, swemwbs("baseline", "2026-11-02", 2)).status)
	ucla := map[string]any{"instrument": "ucla3", "instrument_version": "1", "time_point": "baseline", "date": "2026-11-02", "mode": "phone",
		"answers": []map[string]any{{"item": "companionship", "value": 3}, {"item": "left_out", "value": 3}, {"item": "isolated", "value": 2}, {"item": "direct", "value": 4}}}
	require.Equal(t, http.StatusCreated, e.do(referral.RoleLinkWorker, "POST", path, ucla).status)

	e.Clock.Add(60 * 24 * time.Hour)
	ucla["time_point"], ucla["date"] = "follow_up", "2026-12-30"
	require.Equal(t, http.StatusCreated, e.do(referral.RoleLinkWorker, "POST", path, ucla).status)

	e.Clock.Add(30 * 24 * time.Hour) // past 12 weeks from the baselines
	for i := 0; i < 2; i++ {
		_, err := e.Svc.RunScheduler(ctx, "w", 100)
		require.NoError(t, err)
		_, err = e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
	}
	due := e.Messenger.Events("measurement.follow_up_due")
	require.Len(t, due, 1, "SWEMWBS needs its follow-up; UCLA had one; reminded once")
	assert.Contains(t, due[0].Body, "swemwbs")
}
