package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

func TestReferralJourneyOverHTTP(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t), "Idempotency-Key", "gp-1")
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var r referral.Referral
	res.decode(t, &r)
	assert.Equal(t, referral.StatusReceived, r.Status)
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	assert.Equal(t, "/v1/referrals/"+r.ID, res.header.Get("Location"))

	again := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t), "Idempotency-Key", "gp-1")
	require.Equal(t, http.StatusCreated, again.status)
	var r2 referral.Referral
	again.decode(t, &r2)
	assert.Equal(t, r.ID, r2.ID, "a replayed create returns the first referral")

	e.Clock.Add(time.Hour)
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/status", StatusBody("accepted", ""), "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/status", StatusBody("active", ""), "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, res.status, "stale If-Match")
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/status", StatusBody("active", ""), "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))

	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/onward-referrals", map[string]any{"service_id": hosttest.GardenService, "partner": hosttest.GardenOrg, "note": "Tuesday group"})
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var o referral.OnwardReferral
	res.decode(t, &o)
	assert.NotContains(t, string(res.body), "9434765919")

	// The partner sees it, another partner does not, and accepts and reports attendance.
	res = e.do(referral.RolePartner, "GET", "/v1/onward-referrals/"+o.ID, nil)
	require.Equal(t, http.StatusOK, res.status)
	e.Clock.Add(24 * time.Hour)
	res = e.do(referral.RolePartner, "POST", "/v1/onward-referrals/"+o.ID+"/status", map[string]any{"to": "accepted"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	e.Clock.Add(7 * 24 * time.Hour)
	res = e.do(referral.RolePartner, "POST", "/v1/onward-referrals/"+o.ID+"/attendance", map[string]any{"date": e.Clock.Now().Format("2006-01-02"), "attended": true})
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	res.decode(t, &o)
	assert.Equal(t, referral.TaskInProgress, o.Status)

	// The referrer reads the outcome of their own referral, not the referral.
	res = e.do(referral.RoleReferrer, "GET", "/v1/referrals/"+r.ID, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, string(res.body), "Margaret")
	assert.Contains(t, string(res.body), `"status":"active"`)

	// Deliver the outbox: the referrer hears of the acceptance, the GP record gets its code.
	n, err := e.Svc.DeliverOutbox(ctx, "test", 100)
	require.NoError(t, err)
	assert.Positive(t, n)
	acc := e.Messenger.Events("referral.accepted")
	var toReferrer int
	for _, m := range acc {
		if m.To.Address == "asha.patel@riverside.example.nhs.uk" {
			toReferrer++
			assert.True(t, strings.Contains(m.Body, "accepted"))
		}
	}
	assert.Equal(t, 1, toReferrer)
	rec := e.Clinical.Recorded()
	require.Len(t, rec, 1)
	assert.Equal(t, referral.SNOMEDReferred, rec[0].Event.SNOMED)
	depth, err := e.Store.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Zero(t, depth)
}

// StatusBody is a status change request body.
func StatusBody(to, reason string) map[string]any {
	m := map[string]any{"to": to}
	if reason != "" {
		m["reason"] = reason
	}
	return m
}
