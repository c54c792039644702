package host_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

var errUnavailable = socialrx.Errorf(socialrx.CodeUnavailable, "provider down")

func as(r referral.Role) host.Principal { return hosttest.Principals[r] }

// newReferral receives the test referral from the referrer.
func newReferral(t *testing.T, e *hosttest.Env) *referral.Referral {
	t.Helper()
	in, err := referral.Decode(hosttest.Doc("referral_new.json"), e.Clock.Now())
	require.NoError(t, err)
	r, err := e.Svc.CreateReferral(context.Background(), as(referral.RoleReferrer), *in, "")
	require.NoError(t, err)
	return r
}

// activeReferral imports the directory, receives the test referral and
// has a link worker accept it and make it active.
func activeReferral(t *testing.T, e *hosttest.Env) *referral.Referral {
	t.Helper()
	e.ImportDirectory(t)
	r := newReferral(t, e)
	var err error
	for _, to := range []referral.Status{referral.StatusAccepted, referral.StatusActive} {
		r, err = e.Svc.ChangeReferralStatus(context.Background(), as(referral.RoleLinkWorker), host.Target{ID: r.ID, Version: r.Version}, host.StatusChange{To: to})
		require.NoError(t, err)
	}
	return r
}

// journey receives a referral, accepts it, makes it active with a
// signpost, and refers the person on to the partner's organisation, all
// through the service without HTTP.
func journey(t *testing.T, e *hosttest.Env) (*referral.Referral, *referral.OnwardReferral) {
	t.Helper()
	ctx, lw := context.Background(), as(referral.RoleLinkWorker)
	r := activeReferral(t, e)
	r, err := e.Svc.Signpost(ctx, lw, host.Target{ID: r.ID, Version: r.Version}, host.SignpostRequest{ServiceID: "svc-walks"})
	require.NoError(t, err)
	o, err := e.Svc.CreateOnwardReferral(ctx, lw, r.ID, host.OnwardRequest{ServiceID: hosttest.GardenService}, "")
	require.NoError(t, err)
	return r, o
}
