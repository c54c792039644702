package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

const gardenOrg = "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10"

func importDirectory(t *testing.T, e *env) host.ImportReport {
	t.Helper()
	res := e.do(referral.RoleAdmin, "POST", "/v1/directory/import", directoryDoc())
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	var rep host.ImportReport
	res.decode(t, &rep)
	return rep
}

// The directory through the HTTP API, on the memory store and on every
// deployment's store.
func TestDirectoryImportSearchMatchAndORUK(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testDirectoryImportSearchMatchAndORUK(t, newEnv(t)) })
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) { testDirectoryImportSearchMatchAndORUK(t, newEnvOn(t, he)) })
}

func testDirectoryImportSearchMatchAndORUK(t *testing.T, e *env) {
	rep := importDirectory(t, e)
	assert.Equal(t, 2, rep.Imported)
	assert.Equal(t, 1, rep.Organizations)
	require.Len(t, rep.Skipped, 1, "the bad service is reported, the good ones stored")
	assert.Equal(t, 2, rep.Skipped[0].Index)
	assert.NotEmpty(t, rep.Skipped[0].Fields)
	again := importDirectory(t, e)
	assert.Equal(t, 2, again.Imported, "importing again updates in place")

	res := e.do(referral.RoleLinkWorker, "POST", "/v1/directory/search", map[string]any{"text": "garden"})
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	var sr directory.SearchResult
	res.decode(t, &sr)
	require.Equal(t, 1, sr.TotalItems)

	res = e.do(referral.RoleLinkWorker, "POST", "/v1/directory/match", map[string]any{
		"person": map[string]any{"needs": []string{"nature_gardening"}, "barriers": []string{"cost"}, "location": map[string]any{"latitude": 51.4880, "longitude": -0.1100}}})
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	var mr directory.MatchResult
	res.decode(t, &mr)
	require.NotEmpty(t, mr.Suggestions)

	// The public ORUK read API: no token, open CORS, ORUK paging.
	res = e.do("", "GET", "/oruk/services?per_page=1", nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "*", res.header.Get("Access-Control-Allow-Origin"))
	var pg directory.ServicePage
	res.decode(t, &pg)
	assert.Equal(t, 2, pg.TotalItems)
	assert.Equal(t, 2, pg.TotalPages)
	assert.Len(t, pg.Contents, 1)
	assert.True(t, pg.FirstPage)
	assert.False(t, pg.LastPage)

	res = e.do("", "GET", "/oruk/services/5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	require.NoError(t, directory.Validate(res.body), "the ORUK service validates")
	assert.Equal(t, http.StatusNotFound, e.do("", "GET", "/oruk/services/c0000000-0000-4000-8000-000000000000", nil).status)

	for _, path := range []string{"/oruk/service_at_locations", "/oruk/taxonomy_terms", "/oruk/taxonomies", "/oruk/"} {
		res = e.do("", "GET", path, nil)
		require.Equal(t, http.StatusOK, res.status, path)
		assert.Equal(t, "*", res.header.Get("Access-Control-Allow-Origin"))
	}
	res = e.do("", "GET", "/oruk/taxonomy_terms", nil)
	assert.Contains(t, string(res.body), `"Gardening"`)
	assert.Equal(t, http.StatusBadRequest, e.do("", "GET", "/oruk/services?per_page=1000", nil).status)
	assert.Equal(t, http.StatusNoContent, e.do("", "OPTIONS", "/oruk/services", nil).status)
}

func TestOnwardReferralEmailsThePartnerFromTheDirectory(t *testing.T) {
	e := newEnv(t)
	importDirectory(t, e)
	ids := journeyState(t, e)
	res := e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+ids["{id}"]+"/onward-referrals",
		map[string]any{"service_id": "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", "partner": gardenOrg, "note": "Tuesday group"})
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	_, err := e.Svc.DeliverOutbox(t.Context(), "w", 100)
	require.NoError(t, err)
	var msgs []plugins.Message
	for _, m := range e.Messenger.Events("onward_referral.requested") {
		if m.Channel == plugins.ChannelEmail && strings.Contains(m.Body, "Tuesday group") {
			msgs = append(msgs, m)
		}
	}
	require.Len(t, msgs, 1)
	assert.Equal(t, "partners@kennington-gardens.example.org", msgs[0].To.Address)
	assert.Contains(t, msgs[0].Body, "Peggy")
	assert.Contains(t, msgs[0].Body, "020 7946 0018")
	assert.NotContains(t, msgs[0].Body, "9434765919")
}
