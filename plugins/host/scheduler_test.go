package host_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
)

func TestSchedulerChasesPartnersAndRemindsCheckInsOnce(t *testing.T) {
	e := hosttest.New(t)
	ctx := context.Background()
	journey(t, e) // Monday 2 November: a signpost and an onward referral

	run := func() int {
		n, err := e.Svc.RunScheduler(ctx, "host-a", 100)
		require.NoError(t, err)
		_, err = e.Svc.DeliverOutbox(ctx, "host-a", 1000)
		require.NoError(t, err)
		return n
	}
	// Each chaser goes to the partner (the directory has its address) and
	// to the team.
	chasers := func() int { return len(e.Messenger.Events("onward_referral.overdue")) / 2 }
	assert.Zero(t, run(), "nothing is due on the day")
	assert.Zero(t, chasers())

	e.Clock.Add(8 * 24 * time.Hour) // Tuesday 10 November: 6 working days
	assert.Equal(t, 1, run())
	assert.Equal(t, 1, chasers())
	assert.Zero(t, run(), "a chaser is queued once")
	assert.Equal(t, 1, chasers())

	e.Clock.Add(25 * 24 * time.Hour) // 5 December: second chaser, and the check-in is due
	assert.Equal(t, 2, run())
	assert.Equal(t, 2, chasers())
	assert.Len(t, e.Messenger.Events("signpost.check_in_due"), 1)
	run()
	assert.Equal(t, 2, chasers())
	assert.Len(t, e.Messenger.Events("signpost.check_in_due"), 1)
}

func TestOutboxRetriesWithBackoffAndNeverLoses(t *testing.T) {
	e := hosttest.New(t)
	ctx := context.Background()
	newReferral(t, e)
	e.Messenger.SetFail(errUnavailable)
	n, err := e.Svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Zero(t, n)
	depth, _ := e.Store.OutboxDepth(ctx)
	assert.Positive(t, depth)
	e.Messenger.SetFail(nil)
	n, err = e.Svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Zero(t, n, "not before the backoff")
	e.Clock.Add(host.DefaultRetryBase) // the first retry comes within it
	n, err = e.Svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Equal(t, depth, n)
	after, _ := e.Store.OutboxDepth(ctx)
	assert.Zero(t, after)
}
