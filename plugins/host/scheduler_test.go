package host_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/referral"
)

func TestSchedulerChasesPartnersAndRemindsCheckInsOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	journeyState(t, e) // Monday 2 November: a signpost and an onward referral

	run := func() int {
		n, err := e.svc.RunScheduler(ctx, "host-a", 100)
		require.NoError(t, err)
		_, err = e.svc.DeliverOutbox(ctx, "host-a", 1000)
		require.NoError(t, err)
		return n
	}
	assert.Zero(t, run(), "nothing is due on the day")
	assert.Empty(t, e.messenger.events("onward_referral.overdue"))

	e.clock.Add(8 * 24 * time.Hour) // Tuesday 10 November: 6 working days
	assert.Equal(t, 1, run())
	assert.Len(t, e.messenger.events("onward_referral.overdue"), 1)
	assert.Zero(t, run(), "a chaser is queued once")
	assert.Len(t, e.messenger.events("onward_referral.overdue"), 1)

	e.clock.Add(25 * 24 * time.Hour) // 5 December: second chaser, and the check-in is due
	assert.Equal(t, 2, run())
	assert.Len(t, e.messenger.events("onward_referral.overdue"), 2)
	assert.Len(t, e.messenger.events("signpost.check_in_due"), 1)
	run()
	assert.Len(t, e.messenger.events("onward_referral.overdue"), 2)
	assert.Len(t, e.messenger.events("signpost.check_in_due"), 1)
}

func TestOutboxRetriesWithBackoffAndNeverLoses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t))
	require.Equal(t, http.StatusCreated, res.status)
	e.messenger.fail = errUnavailable
	n, err := e.svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Zero(t, n)
	depth, _ := e.store.OutboxDepth(ctx)
	assert.Positive(t, depth)
	e.messenger.fail = nil
	n, err = e.svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Zero(t, n, "not before the backoff")
	e.clock.Add(10 * time.Second)
	n, err = e.svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Equal(t, depth, n)
	after, _ := e.store.OutboxDepth(ctx)
	assert.Zero(t, after)
}
