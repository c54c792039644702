package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// allowed says, for each route, which roles may use it. It is written out
// by hand, apart from the route table, so that a change to who may do what
// fails here until this table agrees.
var allowed = map[string][]referral.Role{
	"POST /v1/referrals":                                    {"admin", "link_worker", "referrer"},
	"GET /v1/referrals":                                     {"admin", "link_worker"},
	"GET /v1/referrals/{id}":                                {"admin", "link_worker", "referrer"},
	"POST /v1/referrals/{id}/status":                        {"admin", "link_worker"},
	"POST /v1/referrals/{id}/consents":                      {"admin", "link_worker"},
	"POST /v1/referrals/{id}/signposts":                     {"admin", "link_worker"},
	"POST /v1/referrals/{id}/signposts/{signpost}/check-in": {"admin", "link_worker"},
	"POST /v1/referrals/{id}/onward-referrals":              {"admin", "link_worker"},
	"GET /v1/onward-referrals":                              {"admin", "link_worker", "partner"},
	"GET /v1/onward-referrals/{id}":                         {"admin", "link_worker", "partner"},
	"POST /v1/onward-referrals/{id}/status":                 {"admin", "link_worker", "partner"},
	"POST /v1/onward-referrals/{id}/attendance":             {"admin", "partner"},
	"POST /v1/onward-referrals/{id}/feedback":               {"admin", "link_worker", "partner"},
	"GET /v1/audit":                                         {"admin"},
	"POST /v1/admin/subject-access":                         {"admin"},
	"POST /v1/admin/erasure":                                {"admin"},
	"GET /v1/admin/dead-letters":                            {"admin"},
	"GET /v1/admin/dead-letters/{id}":                       {"admin"},
	"POST /v1/admin/dead-letters/{id}/redrive":              {"admin"},
	"POST /v1/referrals/{id}/plans":                         {"admin", "link_worker"},
	"GET /v1/plans/{id}":                                    {"admin", "link_worker"},
	"GET /v1/plans/{id}/summary":                            {"admin", "link_worker"},
	"POST /v1/plans/{id}/triage":                            {"admin", "link_worker"},
	"POST /v1/plans/{id}/goals":                             {"admin", "link_worker"},
	"POST /v1/plans/{id}/contacts":                          {"admin", "link_worker"},
	"POST /v1/plans/{id}/budget":                            {"admin", "link_worker"},
	"POST /v1/plans/{id}/status":                            {"admin", "link_worker"},
	"GET /v1/caseload":                                      {"link_worker"},
	"POST /v1/directory/import":                             {"admin"},
	"POST /v1/referrals/{id}/measurements":                  {"admin", "link_worker"},
	"GET /v1/reports/outcomes":                              {"admin", "commissioner"},
	"POST /v1/directory/search":                             {"admin", "link_worker"},
	"POST /v1/directory/match":                              {"admin", "link_worker"},
	"OPTIONS /oruk/{path...}":                               {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/{$}":                                         {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/services":                                    {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/services/{id}":                               {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/service_at_locations":                        {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/taxonomies":                                  {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/taxonomy_terms":                              {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/openapi.json":                                {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/service_at_locations/{id}":                   {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/taxonomies/{id}":                             {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /oruk/taxonomy_terms/{id}":                         {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /v1/schemas/{name}":                                {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /v1/openapi.json":                                  {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /v1/schemas":                                       {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /healthz":                                          {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /readyz":                                           {"admin", "link_worker", "referrer", "partner", "commissioner", "public"},
	"GET /metrics":                                          {"admin"},
}

var roles = []referral.Role{"admin", "link_worker", "referrer", "partner", "commissioner", "public"}

// journeyState makes a referral (by the referrer token), accepts it, makes
// it active with a signpost, and refers it on to the partner token's
// organisation; it returns the ids the routes need.
func journeyState(t *testing.T, e *env) map[string]string {
	t.Helper()
	res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var r referral.Referral
	res.decode(t, &r)
	for _, to := range []string{"accepted", "active"} {
		res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/status", StatusBody(to, ""))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
	}
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/signposts", map[string]any{"service_id": "svc-walks"})
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	res.decode(t, &r)
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/onward-referrals", map[string]any{"service_id": hosttest.GardenService})
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var o referral.OnwardReferral
	res.decode(t, &o)
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals/"+r.ID+"/plans", assessmentDoc(t))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	var pl plan.Plan
	res.decode(t, &pl)
	return map[string]string{"{id}": r.ID, "{signpost}": r.Signposts[0].ID, "{onward}": o.ID, "{plan}": pl.ID, "{name}": "referral.json"}
}

// request builds a plausible request for a route.
func request(pattern string, ids map[string]string) (method, path string, body any) {
	method, path, _ = strings.Cut(pattern, " ")
	if strings.HasPrefix(path, "/v1/onward-referrals/{id}") {
		path = strings.Replace(path, "{id}", ids["{onward}"], 1)
	}
	if strings.HasPrefix(path, "/v1/plans/{id}") {
		path = strings.Replace(path, "{id}", ids["{plan}"], 1)
	}
	for k, v := range ids {
		path = strings.ReplaceAll(path, k, v)
	}
	path = strings.NewReplacer("{path...}", "services", "{$}", "").Replace(path)
	bodies := map[string]any{
		"POST /v1/referrals/{id}/status":                        StatusBody("on_hold", "caring"),
		"POST /v1/referrals/{id}/consents":                      map[string]any{"kind": "evaluation", "given": true},
		"POST /v1/referrals/{id}/signposts":                     map[string]any{"service_id": "svc-choir"},
		"POST /v1/referrals/{id}/signposts/{signpost}/check-in": map[string]any{"result": "attending"},
		"POST /v1/referrals/{id}/onward-referrals":              map[string]any{"service_id": hosttest.GardenService},
		"POST /v1/onward-referrals/{id}/status":                 map[string]any{"to": "cancelled"},
		"POST /v1/onward-referrals/{id}/attendance":             map[string]any{"date": "2026-11-02", "attended": false},
		"POST /v1/onward-referrals/{id}/feedback":               map[string]any{"text": "thank you"},
		"POST /v1/referrals/{id}/plans":                         assessmentMap(),
		"POST /v1/plans/{id}/triage":                            assessmentMap(),
		"POST /v1/plans/{id}/goals":                             map[string]any{"text": "get back to my allotment", "need": "nature_gardening"},
		"POST /v1/plans/{id}/contacts":                          map[string]any{"at": "2026-11-02T11:30:00Z", "kind": "phone", "minutes": 20, "by": "x"},
		"POST /v1/plans/{id}/budget":                            map[string]any{"contacts": 2, "reason": "bereavement"},
		"POST /v1/plans/{id}/status":                            map[string]any{"action": "pause", "pause_reason": "hospital_stay"},
		"POST /v1/directory/import":                             directoryDoc(),
		"POST /v1/referrals/{id}/measurements":                  swemwbs("baseline", "2026-11-02", 3),
		"POST /v1/directory/search":                             map[string]any{"text": "garden"},
		"POST /v1/directory/match":                              map[string]any{"person": map[string]any{"needs": []string{"nature_gardening"}}},
		"POST /v1/admin/subject-access":                         map[string]any{"referral_id": ids["{id}"]},
		// Nobody's: the routes after this one need the journey's person.
		"POST /v1/admin/erasure": map[string]any{"referral_id": "00000000-0000-4000-8000-000000000000"},
	}
	return method, path, bodies[pattern]
}

func TestEveryRouteByEveryRole(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	for _, pattern := range e.handler(t).Routes() {
		want, ok := allowed[pattern]
		require.True(t, ok, "route %s is missing from the authorisation table", pattern)
		for _, role := range roles {
			t.Run(pattern+" as "+string(role), func(t *testing.T) {
				method, path, body := request(pattern, ids)
				if pattern == "POST /v1/referrals" {
					body = referralDoc(t)
				}
				as := role
				if role == "public" {
					as = ""
				}
				res := e.do(as, method, path, body)
				may := contains(want, role)
				switch {
				case may:
					assert.NotContains(t, []int{401, 403}, res.status, "%s should be allowed: %s", role, res.body)
					assert.Less(t, res.status, 500, string(res.body))
				case role == "public":
					assert.Equal(t, http.StatusUnauthorized, res.status, string(res.body))
					assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
				default:
					assert.Equal(t, http.StatusForbidden, res.status, "%s should be refused: %s", role, res.body)
					assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
				}
			})
		}
	}
	for pattern := range allowed {
		assert.Contains(t, e.handler(t).Routes(), pattern, "the table names a route the API does not have")
	}
}

func contains(rs []referral.Role, r referral.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// TestEveryCaseRouteByAnotherTeam is the route table for a link worker of
// another team: every route that names one of team north's cases answers
// 404 to team south's link worker, as for a case that does not exist, and
// the lists hold none of north's cases.
func TestEveryCaseRouteByAnotherTeam(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	cases := 0
	for _, pattern := range e.h.Routes() {
		method, path, body := request(pattern, ids)
		if pattern == "POST /v1/referrals" {
			continue
		}
		switch {
		case strings.HasPrefix(pattern, method+" /v1/referrals/{id}"), strings.HasPrefix(pattern, method+" /v1/plans/{id}"), strings.HasPrefix(pattern, method+" /v1/onward-referrals/{id}"):
			cases++
			t.Run(pattern, func(t *testing.T) {
				res := e.do("other_link_worker", method, path, body, "If-Match", `"1"`)
				assert.Equal(t, http.StatusNotFound, res.status, string(res.body))
				for _, id := range ids {
					assert.NotContains(t, string(res.body), "Peggy", id)
				}
			})
		case pattern == "GET /v1/referrals" || pattern == "GET /v1/onward-referrals":
			t.Run(pattern, func(t *testing.T) {
				res := e.do("other_link_worker", method, path, nil)
				require.Equal(t, http.StatusOK, res.status, string(res.body))
				assert.JSONEq(t, `{"items":[]}`, string(res.body))
				res = e.do(referral.RoleLinkWorker, method, path, nil)
				assert.Contains(t, string(res.body), ids["{id}"], "north's own link worker sees them")
			})
		}
	}
	assert.Equal(t, 19, cases, "every route that names a case is tried")
}
