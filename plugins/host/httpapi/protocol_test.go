package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// TestProtocolErrorsAreProblems: a path no route has (404), a method a path
// does not take (405, with Allow), an update without If-Match (428) and an
// over-long X-Purpose (400) are RFC 9457 problems like every other error,
// and change nothing.
func TestProtocolErrorsAreProblems(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	ref := "/v1/referrals/" + ids["{id}"]
	before := snapshot(t, e)
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		headers []string
		status  int
		allow   string
	}{
		{"no such route", "GET", "/v1/nothing-here", nil, 404, ""},
		{"no such ORUK route", "GET", "/oruk/nothing-here", nil, 404, ""},
		{"a method the path does not take", "DELETE", ref, nil, 405, "GET, HEAD"},
		{"the audit log is read-only", "PUT", "/v1/audit", nil, 405, "GET, HEAD"},
		{"an update without If-Match", "POST", ref + "/status", []string{"If-Match", ""}, 428, ""},
		{"If-Match: * is no version", "POST", ref + "/status", []string{"If-Match", "*"}, 400, ""},
		{"a purpose too long", "GET", ref, []string{"X-Purpose", strings.Repeat("p", host.MaxPurpose+1)}, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(referral.RoleLinkWorker, tc.method, tc.path, StatusBody("on_hold", "caring"), tc.headers...)
			require.Equal(t, tc.status, res.status, string(res.body))
			p := problem(t, res)
			assert.NotEmpty(t, p.Detail)
			assert.Equal(t, tc.allow, res.header.Get("Allow"))
		})
	}
	assert.Equal(t, before, snapshot(t, e), "nothing changed")
	// A purpose of the greatest length is kept whole.
	why := strings.Repeat("é", host.MaxPurpose)
	require.Equal(t, http.StatusOK, e.do(referral.RoleLinkWorker, "GET", ref, nil, "X-Purpose", why).status)
}
