package referral_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/referral"
)

var (
	t0         = time.Date(2026, 11, 2, 10, 20, 0, 0, time.UTC) // a Monday
	gp         = referral.Actor{ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001"}
	worker     = referral.Actor{ID: "lw-sam", Role: referral.RoleLinkWorker}
	partner    = referral.Actor{ID: "garden-club-lead", Role: referral.RolePartner, Organisation: "org-garden"}
	stranger   = referral.Actor{ID: "other-lead", Role: referral.RolePartner, Organisation: "org-other"}
	admin      = referral.Actor{ID: "admin", Role: referral.RoleAdmin}
	commission = referral.Actor{ID: "icb", Role: referral.RoleCommissioner}
)

// received returns the valid testdata referral as received at t0.
func received(t testing.TB) *referral.Referral {
	t.Helper()
	doc, err := os.ReadFile("testdata/referral_valid.json")
	require.NoError(t, err)
	in, err := referral.Decode(doc, t0)
	require.NoError(t, err)
	r, err := referral.New(*in, gp, t0)
	require.NoError(t, err)
	return r
}

// active returns the testdata referral accepted and active.
func active(t testing.TB) *referral.Referral {
	t.Helper()
	r := received(t)
	require.NoError(t, r.Accept(worker, t0.Add(time.Hour), t0.Add(time.Hour), ""))
	require.NoError(t, r.Apply(referral.Change{To: referral.StatusActive, By: worker, At: t0.Add(2 * time.Hour)}, t0.Add(2*time.Hour)))
	return r
}
