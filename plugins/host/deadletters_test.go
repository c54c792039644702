package host_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/referral"
)

func TestBackoffGrowsWithinJitterBounds(t *testing.T) {
	const justUnderOne = 1 - 1e-12
	cases := []struct {
		name    string
		policy  host.RetryPolicy
		attempt int
		want    time.Duration // the full wait d: the backoff lies in [d/2, d]
	}{
		{"first failure waits the base", host.RetryPolicy{}, 1, time.Minute},
		{"doubles", host.RetryPolicy{}, 2, 2 * time.Minute},
		{"doubles again", host.RetryPolicy{}, 5, 16 * time.Minute},
		{"below the cap", host.RetryPolicy{}, 9, 256 * time.Minute},
		{"capped", host.RetryPolicy{}, 10, 6 * time.Hour},
		{"stays capped", host.RetryPolicy{}, 39, 6 * time.Hour},
		{"huge attempt does not overflow", host.RetryPolicy{}, 1 << 30, 6 * time.Hour},
		{"own base and cap", host.RetryPolicy{Base: 10 * time.Second, Max: time.Minute}, 3, 40 * time.Second},
		{"own cap reached", host.RetryPolicy{Base: 10 * time.Second, Max: time.Minute}, 4, time.Minute},
		{"cap below base is the base", host.RetryPolicy{Base: time.Hour, Max: time.Minute}, 3, time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lo, hi := c.policy, c.policy
			lo.Rand = func() float64 { return 0 }
			hi.Rand = func() float64 { return justUnderOne }
			assert.Equal(t, c.want/2, lo.Backoff(c.attempt), "the least wait is half")
			assert.InDelta(t, float64(c.want), float64(hi.Backoff(c.attempt)), float64(time.Millisecond), "the most is the whole")
			// With the real random source every wait lies within the bounds.
			for range 200 {
				d := c.policy.Backoff(c.attempt)
				assert.GreaterOrEqual(t, d, c.want/2)
				assert.LessOrEqual(t, d, c.want)
			}
		})
	}
}

// TestDefaultRetryOutlastsMostOfAWeek checks the retry window the
// defaults are documented with: the last attempt falls between 3.9 and 7.9
// days after the first.
func TestDefaultRetryOutlastsMostOfAWeek(t *testing.T) {
	window := func(r float64) time.Duration {
		p := host.RetryPolicy{Rand: func() float64 { return r }}
		var sum time.Duration
		for n := 1; n < host.DefaultMaxAttempts; n++ {
			sum += p.Backoff(n)
		}
		return sum
	}
	day := 24 * time.Hour
	assert.InDelta(t, 3.9, float64(window(0))/float64(day), 0.05)
	assert.InDelta(t, 7.9, float64(window(1-1e-12))/float64(day), 0.05)
}

// deadLetterAll fails every delivery until each queued message has used
// its attempts, moving the clock past each backoff, and returns how many
// messages were dead-lettered.
func deadLetterAll(t *testing.T, e *hosttest.Env, attempts int) int {
	t.Helper()
	ctx := context.Background()
	depth, err := e.Store.OutboxDepth(ctx)
	require.NoError(t, err)
	require.Positive(t, depth)
	e.Messenger.SetFail(errUnavailable)
	for i := range attempts {
		n, err := e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		require.Zero(t, n)
		dead, err := e.Svc.DeadLetterCount(ctx)
		require.NoError(t, err)
		if i < attempts-1 {
			assert.Zero(t, dead, "not dead after attempt %d of %d", i+1, attempts)
		}
		e.Clock.Add(time.Hour)
	}
	e.Messenger.SetFail(nil)
	dead, err := e.Svc.DeadLetterCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, depth, dead, "every message is dead after its last attempt")
	after, err := e.Store.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Zero(t, after, "dead letters do not wait in the queue")
	return dead
}

func TestOutboxDeadLettersAfterMaxAttemptsAndRedriveDelivers(t *testing.T) {
	retry := func(o *host.Options) {
		o.Retry = host.RetryPolicy{Base: time.Minute, Max: 10 * time.Minute, MaxAttempts: 3, Rand: func() float64 { return 0.5 }}
	}
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		newReferral(t, e)
		dead := deadLetterAll(t, e, 3)

		n, err := e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		assert.Zero(t, n, "a dead letter is not retried, though the messenger is back")
		assert.Empty(t, e.Messenger.Sent())

		admin := as(referral.RoleAdmin)
		var all []host.DeadLetter
		cursor := ""
		for {
			page, next, err := e.Svc.DeadLetters(ctx, admin, host.Page{Cursor: cursor, Limit: 1})
			require.NoError(t, err)
			all = append(all, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
		require.Len(t, all, dead)
		for _, m := range all {
			assert.Equal(t, 3, m.Attempts)
			assert.Contains(t, m.LastError, "provider down")
			require.NotNil(t, m.DeadAt)
			assert.True(t, json.Valid(m.Payload))
		}
		one, err := e.Svc.DeadLetter(ctx, admin, all[0].ID)
		require.NoError(t, err)
		assert.Equal(t, all[0].ID, one.ID)

		for _, role := range []referral.Role{referral.RoleLinkWorker, referral.RoleReferrer, referral.RolePartner, referral.RoleCommissioner} {
			_, _, err := e.Svc.DeadLetters(ctx, as(role), host.Page{})
			assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), "%s may not list dead letters: they may hold personal data", role)
			_, err = e.Svc.DeadLetter(ctx, as(role), all[0].ID)
			assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), role)
			_, err = e.Svc.RedriveDeadLetter(ctx, as(role), all[0].ID)
			assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), role)
		}

		for _, m := range all {
			back, err := e.Svc.RedriveDeadLetter(ctx, admin, m.ID)
			require.NoError(t, err)
			assert.Nil(t, back.DeadAt)
			assert.Zero(t, back.Attempts, "a re-driven message has its attempts again")
		}
		_, err = e.Svc.RedriveDeadLetter(ctx, admin, all[0].ID)
		assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "re-driving twice")
		_, err = e.Svc.DeadLetter(ctx, admin, all[0].ID)
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "a re-driven message is no longer a dead letter")

		n, err = e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		assert.Equal(t, dead, n, "re-driven messages are delivered")
		assert.Len(t, e.Messenger.Sent(), dead)
		count, err := e.Svc.DeadLetterCount(ctx)
		require.NoError(t, err)
		assert.Zero(t, count)

		// Each admin read and re-drive, and each refusal, is in the audit log.
		actions := map[string]int{}
		cursor = ""
		for {
			entries, next, err := e.Svc.Audit(ctx, admin, host.Page{Cursor: cursor})
			require.NoError(t, err)
			for _, a := range entries {
				if a.Kind == host.KindDeadLetter {
					actions[a.Action]++
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		assert.Equal(t, dead, actions["list"], "one list entry per page")
		assert.Equal(t, 1, actions["read"])
		assert.Equal(t, dead+1, actions["redrive"], "every re-drive, also the refused second one")
		assert.Equal(t, 4, actions["denied_list"])
		assert.Equal(t, 4, actions["denied_redrive"])
	}, retry)
}

func TestPruneOutboxKeepsWhatItShould(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		in, err := referral.Decode(hosttest.Doc("referral_new.json"), e.Clock.Now())
		require.NoError(t, err)
		first, err := e.Svc.CreateReferral(ctx, as(referral.RoleReferrer), *in, "the-key")
		require.NoError(t, err)
		delivered, err := e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		require.Positive(t, delivered)

		// A second referral whose messages die, and a third whose wait.
		newReferral(t, e)
		dead := deadLetterAll(t, e, 2)
		e.Messenger.SetFail(errUnavailable)
		newReferral(t, e)
		_, err = e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		waiting, err := e.Store.OutboxDepth(ctx)
		require.NoError(t, err)
		require.Positive(t, waiting)

		p, err := e.Svc.PruneOutbox(ctx)
		require.NoError(t, err)
		assert.Equal(t, plugins.Pruned{}, p, "nothing is old enough yet")
		again, err := e.Svc.CreateReferral(ctx, as(referral.RoleReferrer), *in, "the-key")
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID, "the key still answers")

		// Past both periods: the store stamps keys by the real clock.
		e.Clock.Add(time.Since(e.Clock.Now()) + host.DefaultPruneDeliveredAfter + host.DefaultIdempotencyKeysTTL)
		p, err = e.Svc.PruneOutbox(ctx)
		require.NoError(t, err)
		assert.Equal(t, delivered, p.Delivered, "the delivered messages are pruned")
		assert.Equal(t, 1, p.IdempotencyKeys, "the create's key is pruned")
		after, err := e.Store.OutboxDepth(ctx)
		require.NoError(t, err)
		assert.Equal(t, waiting, after, "waiting messages are kept")
		stillDead, err := e.Svc.DeadLetterCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, dead, stillDead, "dead letters are kept for an admin")

		p, err = e.Svc.PruneOutbox(ctx)
		require.NoError(t, err)
		assert.Equal(t, plugins.Pruned{}, p, "a second run finds nothing more")
	}, func(o *host.Options) { o.Retry = host.RetryPolicy{Max: 10 * time.Minute, MaxAttempts: 2} })
}

// fakeOldStore is a store plugin built before dead letters: the new calls
// fail as an unknown gRPC method does (internal).
type fakeOldStore struct{ plugins.Store }

func (fakeOldStore) DeadLetterOutbox(context.Context, string, plugins.Lease, string, time.Time) error {
	return socialrx.Errorf(socialrx.CodeInternal, "plugin: unknown method DeadLetterOutbox for service socialrx.plugin.v1.Store")
}

func TestOutboxKeepsRetryingOnAStoreThatCannotDeadLetter(t *testing.T) {
	mem := memory.New()
	e := hosttest.New(t, func(o *host.Options) {
		o.Store = fakeOldStore{mem}
		o.Retry = host.RetryPolicy{Max: 10 * time.Minute, MaxAttempts: 2}
	})
	ctx := context.Background()
	newReferral(t, e)
	depth, err := mem.OutboxDepth(ctx)
	require.NoError(t, err)
	e.Messenger.SetFail(errUnavailable)
	for range 3 {
		_, err := e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err, "the worker goes on")
		e.Clock.Add(time.Hour)
	}
	after, err := mem.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, depth, after, "nothing is lost: every message still waits")
	e.Messenger.SetFail(nil)
	n, err := e.Svc.DeliverOutbox(ctx, "w", 100)
	require.NoError(t, err)
	assert.Equal(t, depth, n, "and is delivered once the messenger is back")
}
