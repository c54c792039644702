package host_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

func TestPullReferralsFromTheClinicalSystem(t *testing.T) {
	e := hosttest.New(t)
	ctx := context.Background()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(hosttest.Doc("referral_new.json"), &doc))
	doc["id"] = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f20"
	good, _ := json.Marshal(doc)
	doc["id"] = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f21"
	doc["needs"] = []string{"joy"}
	bad, _ := json.Marshal(doc)
	require.NoError(t, e.Clinical.AddReferral(ctx, good))
	require.NoError(t, e.Clinical.AddReferral(ctx, bad))

	got, skipped, err := e.Svc.PullReferrals(ctx, 100)
	require.NoError(t, err)
	assert.Equal(t, 4, got, "ours and the three the fake system was seeded with")
	assert.Equal(t, 1, skipped, "the one with an unknown need")
	got, skipped, err = e.Svc.PullReferrals(ctx, 100)
	require.NoError(t, err)
	assert.Zero(t, got+skipped, "the cursor moved on")

	r, _, err := e.Svc.GetReferral(ctx, as(referral.RoleLinkWorker), "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f20")
	require.NoError(t, err)
	assert.Equal(t, referral.StatusReceived, r.Status)
	assert.Equal(t, "clinical-system", r.History[0].Actor.ID)
	_, _, err = e.Svc.GetReferral(ctx, as(referral.RoleLinkWorker), "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f21")
	assert.Error(t, err, "the invalid one was not stored")
}
