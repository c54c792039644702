package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

func TestDeadLettersOverHTTP(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		e := newEnvOn(t, he)
		ctx := context.Background()
		res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		e.Messenger.SetFail(errors.New("smtp: connection refused"))
		for range 2 {
			_, err := e.Svc.DeliverOutbox(ctx, "w", 100)
			require.NoError(t, err)
			e.Clock.Add(time.Hour)
		}
		e.Messenger.SetFail(nil)

		type page struct {
			Items      []host.DeadLetter `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		var all []host.DeadLetter
		cursor := ""
		for {
			res = e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters?limit=1&cursor="+cursor, nil)
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			var pg page
			res.decode(t, &pg)
			require.LessOrEqual(t, len(pg.Items), 1)
			all = append(all, pg.Items...)
			if cursor = pg.NextCursor; cursor == "" {
				break
			}
		}
		require.NotEmpty(t, all, "the referral's messages are dead letters")
		dl := all[0]
		assert.Equal(t, 2, dl.Attempts)
		assert.Contains(t, dl.LastError, "connection refused")
		assert.NotNil(t, dl.DeadAt)

		res = e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters/"+dl.ID, nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var one host.DeadLetter
		res.decode(t, &one)
		assert.Equal(t, dl.ID, one.ID)
		assert.JSONEq(t, string(dl.Payload), string(one.Payload))

		for _, role := range []referral.Role{referral.RoleLinkWorker, referral.RoleReferrer, referral.RolePartner, referral.RoleCommissioner} {
			assert.Equal(t, http.StatusForbidden, e.do(role, "GET", "/v1/admin/dead-letters", nil).status, role)
			assert.Equal(t, http.StatusForbidden, e.do(role, "GET", "/v1/admin/dead-letters/"+dl.ID, nil).status, role)
			assert.Equal(t, http.StatusForbidden, e.do(role, "POST", "/v1/admin/dead-letters/"+dl.ID+"/redrive", nil).status, role)
		}
		assert.Equal(t, http.StatusBadRequest, e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters?limit=101", nil).status, "at most 100 a page")
		assert.Equal(t, http.StatusBadRequest, e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters?cursor=forged", nil).status)
		assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters/no-such-id", nil).status)
		assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "POST", "/v1/admin/dead-letters/no-such-id/redrive", nil).status)

		res = e.do(referral.RoleAdmin, "POST", "/v1/admin/dead-letters/"+dl.ID+"/redrive", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var back host.DeadLetter
		res.decode(t, &back)
		assert.Nil(t, back.DeadAt)
		assert.Zero(t, back.Attempts)
		assert.Equal(t, http.StatusConflict, e.do(referral.RoleAdmin, "POST", "/v1/admin/dead-letters/"+dl.ID+"/redrive", nil).status, "re-driven already")
		assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "GET", "/v1/admin/dead-letters/"+dl.ID, nil).status, "no longer a dead letter")

		n, err := e.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the re-driven message is delivered, the others stay dead")
		count, err := e.Svc.DeadLetterCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(all)-1, count)
	}, func(o *host.Options) { o.Retry = host.RetryPolicy{Max: 10 * time.Minute, MaxAttempts: 2} })
}
