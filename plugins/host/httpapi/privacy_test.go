package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// TestSubjectAccessAndErasureOverHTTP: an admin exports everything held
// about a person and then erases it, naming them in the body; others are
// refused, a bad NHS number is a 400 naming the field, and someone of whom
// nothing is held is a 404. Every request and response is checked against
// the OpenAPI document. On every deployment.
func TestSubjectAccessAndErasureOverHTTP(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		he.ImportDirectory(t)
		e := newEnvOn(t, he)
		ids := journeyState(t, e)
		nhs := map[string]any{"nhs_number": "9434765919"}

		for _, path := range []string{"/v1/admin/subject-access", "/v1/admin/erasure"} {
			for _, role := range []referral.Role{referral.RoleLinkWorker, referral.RoleReferrer, referral.RolePartner, referral.RoleCommissioner} {
				assert.Equal(t, http.StatusForbidden, e.do(role, "POST", path, nhs).status, "%s %s", role, path)
			}
			res := e.do(referral.RoleAdmin, "POST", path, map[string]any{"nhs_number": "943476591"})
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Contains(t, string(res.body), "/nhs_number")
			res = e.do(referral.RoleAdmin, "POST", path, map[string]any{})
			assert.Equal(t, http.StatusBadRequest, res.status, "no one named")
			assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "POST", path, map[string]any{"nhs_number": "9434765870"}).status)
		}

		res := e.do(referral.RoleAdmin, "POST", "/v1/admin/subject-access", map[string]any{"referral_id": ids["{id}"]})
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var sar host.SubjectAccess
		res.decode(t, &sar)
		require.Len(t, sar.Referrals, 1)
		assert.Equal(t, "Margaret", sar.Referrals[0].Person.GivenName)
		assert.Len(t, sar.Plans, 1)
		assert.Len(t, sar.OnwardReferrals, 1)
		assert.NotEmpty(t, sar.Events)
		assert.NotEmpty(t, sar.Messages)
		assert.NotEmpty(t, sar.Access)

		res = e.do(referral.RoleAdmin, "POST", "/v1/admin/erasure", nhs)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.JSONEq(t, `{"referrals":1,"plans":1,"onward_referrals":1,"measurements":0}`, string(res.body))
		assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "GET", "/v1/referrals/"+ids["{id}"], nil).status)
		assert.Equal(t, http.StatusNotFound, e.do(referral.RoleAdmin, "POST", "/v1/admin/subject-access", nhs).status)
	})
}
