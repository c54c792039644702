package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

func TestEveryPersonalReadAndWriteIsAudited(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	res := e.do(referral.RoleLinkWorker, "GET", "/v1/referrals/"+ids["{id}"], nil, "X-Purpose", "preparing first home visit")
	require.Equal(t, http.StatusOK, res.status)
	require.Equal(t, http.StatusOK, e.do(referral.RolePartner, "GET", "/v1/onward-referrals/"+ids["{onward}"], nil).status)
	require.Equal(t, http.StatusOK, e.do(referral.RoleReferrer, "GET", "/v1/referrals/"+ids["{id}"], nil).status)

	var entries []host.AuditEntry
	cursor := ""
	for {
		res = e.do(referral.RoleAdmin, "GET", "/v1/audit?limit=5&cursor="+cursor, nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var pg struct {
			Items      []host.AuditEntry `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		res.decode(t, &pg)
		entries = append(entries, pg.Items...)
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	has := func(who, action, target, why string) bool {
		for _, a := range entries {
			if a.Who.ID == who && a.Action == action && a.Target == target && (why == "" || a.Why == why) && !a.At.IsZero() {
				return true
			}
		}
		return false
	}
	assert.True(t, has("dr-patel", "create", ids["{id}"], ""), "the referral's creation")
	assert.True(t, has("lw-sam", "change_status", ids["{id}"], ""), "the acceptance")
	assert.True(t, has("lw-sam", "read", ids["{id}"], "preparing first home visit"), "a read, with its stated purpose")
	assert.True(t, has("garden-lead", "read", ids["{onward}"], ""), "the partner's read")
	assert.True(t, has("dr-patel", "read_outcome", ids["{id}"], ""), "the referrer's read of the outcome")
	assert.True(t, has("lw-sam", "create", ids["{plan}"], ""), "the plan")

	// Nobody can change it through the API, and only admins read it.
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		assert.Equal(t, http.StatusMethodNotAllowed, e.do(referral.RoleAdmin, method, "/v1/audit", map[string]any{}).status, method)
	}
	assert.Equal(t, http.StatusForbidden, e.do(referral.RoleLinkWorker, "GET", "/v1/audit", nil).status)
}
