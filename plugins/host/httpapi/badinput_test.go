package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/referral"
)

// snapshot is everything stored, to show a refused request changed nothing.
func snapshot(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	for _, k := range []plugins.Kind{plugins.KindReferral, plugins.KindOnwardReferral} {
		pg, err := e.Store.List(context.Background(), plugins.Query{Kind: k, Limit: 1000})
		require.NoError(t, err)
		for _, d := range pg.Documents {
			j, _ := json.Marshal(d)
			b.Write(j)
		}
	}
	depth, err := e.Store.OutboxDepth(context.Background())
	require.NoError(t, err)
	b.WriteString(strings.Repeat("|", depth))
	return b.String()
}

func problem(t *testing.T, res response) httpapi.Problem {
	t.Helper()
	assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	var p httpapi.Problem
	res.decode(t, &p)
	assert.Equal(t, res.status, p.Status)
	return p
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	ids := journeyState(t, e)
	ref, onward := "/v1/referrals/"+ids["{id}"], "/v1/onward-referrals/"+ids["{onward}"]
	huge := `{"to":"accepted","note":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`
	var doc map[string]any
	require.NoError(t, json.Unmarshal(referralDoc(t), &doc))
	doc["person"].(map[string]any)["nhs_number"] = "9434765918"
	doc["needs"] = []string{"joy"}
	doc["favourite_colour"] = "blue"
	badRef, _ := json.Marshal(doc)

	for _, tc := range []struct {
		name     string
		role     referral.Role
		method   string
		path     string
		body     any
		headers  []string
		status   int
		pointers []string
	}{
		{"malformed JSON", "link_worker", "POST", ref + "/status", `{"to":`, nil, 400, []string{""}},
		{"wrong type", "link_worker", "POST", ref + "/status", `{"to": 3}`, nil, 400, []string{"/to"}},
		{"unknown field", "link_worker", "POST", ref + "/status", `{"to": "active", "mood": "good"}`, nil, 400, []string{"/mood"}},
		{"unknown enum", "link_worker", "POST", ref + "/status", `{"to": "paused"}`, nil, 400, []string{"/to"}},
		{"illegal transition", "link_worker", "POST", ref + "/status", `{"to": "declined", "reason": "duplicate"}`, nil, 400, []string{"/status"}},
		{"every error of a referral", "referrer", "POST", "/v1/referrals", badRef, nil, 400, []string{"/favourite_colour", "/needs/0"}},
		{"domain rule after schema", "referrer", "POST", "/v1/referrals", strings.Replace(string(referralDoc(t)), "9434765919", "9434765918", 1), nil, 400, []string{"/person/nhs_number"}},
		{"oversized body", "link_worker", "POST", ref + "/status", huge, nil, 413, nil},
		{"not JSON", "link_worker", "POST", ref + "/status", "to=active", []string{"Content-Type", "text/plain"}, 415, nil},
		{"no token", "", "GET", ref, nil, nil, 401, nil},
		{"wrong token", "", "GET", ref, nil, []string{"Authorization", "Bearer nope"}, 401, nil},
		{"not bearer", "", "GET", ref, nil, []string{"Authorization", "Basic YWRtaW46YWRtaW4="}, 401, nil},
		{"stale If-Match", "link_worker", "POST", ref + "/status", StatusBody("on_hold", "caring"), []string{"If-Match", `"1"`}, 412, nil},
		{"bad If-Match", "link_worker", "POST", ref + "/status", StatusBody("on_hold", "caring"), []string{"If-Match", "yesterday"}, 400, nil},
		{"unknown referral", "link_worker", "GET", "/v1/referrals/0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f99", nil, nil, 404, nil},
		{"bad limit", "link_worker", "GET", "/v1/referrals?limit=0", nil, nil, 400, []string{"/limit"}},
		{"bad cursor", "link_worker", "GET", "/v1/referrals?cursor=nonsense", nil, nil, 400, nil},
		{"partner changes another's onward referral", "", "POST", onward + "/status", map[string]any{"to": "accepted"}, []string{"Authorization", "Bearer other-partner"}, 404, nil},
		{"partner reads another's onward referral", "", "GET", onward, nil, []string{"Authorization", "Bearer other-partner"}, 404, nil},
		{"partner sets a requester status", "partner", "POST", onward + "/status", map[string]any{"to": "entered_in_error"}, nil, 403, nil},
		{"reject without reason", "partner", "POST", onward + "/status", map[string]any{"to": "rejected"}, nil, 400, []string{"/reject_reason"}},
		{"attendance in the future", "partner", "POST", onward + "/attendance", map[string]any{"date": "2030-01-01", "attended": true}, nil, 400, nil},
		{"referrer reads someone else's referral", "", "GET", ref, nil, []string{"Authorization", "Bearer other-referrer"}, 404, nil},
		{"invalid UTF-8", "link_worker", "POST", ref + "/status", "{\"to\":\"on_hold\",\"reason\":\"caring\",\"note\":\"a\xffb\"}", nil, 400, []string{"/note"}},
		{"a member named twice", "link_worker", "POST", ref + "/status", `{"to":"on_hold","reason":"caring","to":"closed"}`, nil, 400, []string{"/to"}},
		{"escaped NUL", "link_worker", "POST", ref + "/status", `{"to":"on_hold","reason":"caring","note":"a\u0000b"}`, nil, 400, []string{"/note"}},
		{"raw NUL", "link_worker", "POST", ref + "/status", "{\"to\":\"on_hold\",\"reason\":\"caring\",\"note\":\"a\x00b\"}", nil, 400, []string{"/note"}},
		{"lone surrogate", "link_worker", "POST", ref + "/status", `{"to":"on_hold","reason":"caring","note":"\ud800"}`, nil, 400, []string{"/note"}},
		{"NUL in a member name", "link_worker", "POST", ref + "/status", `{"to":"on_hold","reason":"caring","n\u0000te":"x"}`, nil, 400, []string{"/n\x00te"}},
		{"note too long", "link_worker", "POST", ref + "/status", `{"to":"on_hold","reason":"caring","note":"` + strings.Repeat("é", 4001) + `"}`, nil, 400, []string{"/note"}},
		{"number too large", "link_worker", "POST", "/v1/directory/search", `{"radius_km":1e400}`, nil, 400, []string{"/radius_km"}},
		{"number too small to tell from 0", "link_worker", "POST", "/v1/directory/search", `{"radius_km":1e-400}`, nil, 400, []string{"/radius_km"}},
		{"number the validator cannot compare", "link_worker", "POST", "/v1/directory/search", `{"page":1e100000000}`, nil, 400, []string{"/page"}},
		{"number with a fraction where a whole one is due", "link_worker", "POST", "/v1/plans/" + ids["{plan}"] + "/budget", `{"contacts":2.5,"reason":"more time"}`, nil, 400, []string{"/contacts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, e)
			res := e.do(tc.role, tc.method, tc.path, tc.body, tc.headers...)
			require.Equal(t, tc.status, res.status, string(res.body))
			p := problem(t, res)
			if tc.pointers != nil {
				var got []string
				for _, f := range p.Errors {
					got = append(got, f.Pointer)
				}
				for _, want := range tc.pointers {
					assert.Contains(t, got, want)
				}
			}
			assert.Equal(t, before, snapshot(t, e), "a refused request must change nothing")
		})
	}
}

func TestIdempotencyKeyReplayedWithAnotherBody(t *testing.T) {
	e := newEnv(t)
	res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", referralDoc(t), "Idempotency-Key", "k1")
	require.Equal(t, http.StatusCreated, res.status)
	before := snapshot(t, e)
	other := strings.Replace(string(referralDoc(t)), "Widowed", "Recently widowed", 1)
	res = e.do(referral.RoleReferrer, "POST", "/v1/referrals", other, "Idempotency-Key", "k1")
	require.Equal(t, http.StatusUnprocessableEntity, res.status, string(res.body))
	problem(t, res)
	assert.Equal(t, before, snapshot(t, e))
	// The same key from another principal is another key.
	res = e.do(referral.RoleLinkWorker, "POST", "/v1/referrals", other, "Idempotency-Key", "k1")
	assert.Equal(t, http.StatusCreated, res.status)
}

func TestPluginDownIsUnavailable(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.Store.Close())
	res := e.do(referral.RoleLinkWorker, "GET", "/v1/referrals", nil)
	require.Equal(t, http.StatusServiceUnavailable, res.status, string(res.body))
	problem(t, res)
}
