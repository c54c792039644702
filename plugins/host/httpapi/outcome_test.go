package httpapi_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// answerLost is a store whose next create commits and then loses its
// answer, as when a store plugin dies after its commit and before it
// replies.
type answerLost struct {
	plugins.Store
	lose atomic.Bool
}

func (s *answerLost) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	d, err := s.Store.Create(ctx, w)
	if err == nil && s.lose.CompareAndSwap(true, false) {
		return plugins.Document{}, socialrx.Errorf(socialrx.CodeUnavailable, "rpc error: code = Unavailable desc = connection error: dial unix /tmp/plugin1234567: connect: connection refused")
	}
	return d, err
}

// TestUnknownOutcomeIsSafeToRetry: when the store does not answer a write
// that did commit, the client hears that the outcome is unknown and that a
// retry with the same Idempotency-Key is safe, and the retry returns the
// stored record rather than a second one.
func TestUnknownOutcomeIsSafeToRetry(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		var lost *answerLost
		he = he.Peer(t, func(o *host.Options) { lost = &answerLost{Store: o.Store}; o.Store = lost })
		e := newEnvOn(t, he)

		lost.lose.Store(true)
		res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t), "Idempotency-Key", "gp-77")
		require.Equal(t, http.StatusServiceUnavailable, res.status, string(res.body))
		p := problem(t, res)
		assert.Contains(t, p.Detail, "unknown")
		assert.Contains(t, p.Detail, "retrying with the same Idempotency-Key is safe")
		assert.NotContains(t, string(res.body), "/tmp/plugin", "no internal paths")

		res = e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t), "Idempotency-Key", "gp-77")
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		var r referral.Referral
		res.decode(t, &r)
		all, _, err := e.Svc.ListReferrals(context.Background(), hosttest.Principals[referral.RoleAdmin], host.ReferralQuery{})
		require.NoError(t, err)
		require.Len(t, all, 1, "the retry returned the stored referral, not a second one")
		assert.Equal(t, all[0].ID, r.ID)
	})
}

// TestPublicErrorsShowNoInternals: a store that is down gives a 503 that
// says what to do, with no socket path or driver message; so does /readyz.
func TestPublicErrorsShowNoInternals(t *testing.T) {
	he := hosttest.New(t, func(o *host.Options) {
		o.Store = &answerLost{Store: downStore{o.Store}}
	})
	e := newEnvOn(t, he)
	for _, path := range []string{"/readyz", "/v1/referrals"} {
		res := e.do(referral.RoleLinkWorker, "GET", path, nil)
		require.Equal(t, http.StatusServiceUnavailable, res.status, path)
		problem(t, res)
		assert.NotContains(t, string(res.body), "/tmp", path)
		assert.NotContains(t, string(res.body), "rpc error", path)
	}
}

// downStore answers every call as a plugin whose process is gone would.
type downStore struct{ plugins.Store }

func (downStore) err() error {
	return socialrx.Errorf(socialrx.CodeUnavailable, "rpc error: code = Unavailable desc = dial unix /tmp/plugin99: connect: no such file")
}
func (s downStore) List(context.Context, plugins.Query) (plugins.Page, error) {
	return plugins.Page{}, s.err()
}
func (s downStore) OutboxDepth(context.Context) (int, error) { return 0, s.err() }
