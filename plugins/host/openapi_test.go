package host_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
)

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t)
	res := e.do("", "GET", "/v1/openapi.json", nil)
	require.Equal(t, http.StatusOK, res.status)
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	res.decode(t, &doc)
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	n := 0
	for _, pattern := range host.Routes(e.h) {
		method, path, _ := strings.Cut(pattern, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if assert.True(t, ok, "%s is not in the OpenAPI document", pattern) {
			assert.NotEmpty(t, op["summary"], pattern)
			assert.Contains(t, op, "responses", pattern)
			n++
		}
	}
	total := 0
	for _, ops := range doc.Paths {
		total += len(ops)
	}
	assert.Equal(t, n, total, "the document describes only routes that exist")
	// Every reference resolves.
	raw := string(res.body)
	for _, part := range strings.Split(raw, `"$ref": "#/components/schemas/`)[1:] {
		name := part[:strings.Index(part, `"`)]
		assert.Contains(t, doc.Components.Schemas, name)
	}
	for _, want := range []string{"Referral", "OnwardReferral", "StatusChange", "Problem"} {
		assert.Contains(t, doc.Components.Schemas, want)
	}
	var any map[string]any
	require.NoError(t, json.Unmarshal(res.body, &any))
}

func TestSchemasServed(t *testing.T) {
	e := newEnv(t)
	for name := range host.Schemas() {
		res := e.do("", "GET", "/v1/schemas/"+name+".json", nil)
		require.Equal(t, http.StatusOK, res.status, name)
		assert.Equal(t, "application/schema+json", res.header.Get("Content-Type"))
		assert.JSONEq(t, string(host.Schemas()[name]), string(res.body))
	}
	res := e.do("", "GET", "/v1/schemas/nope.json", nil)
	assert.Equal(t, http.StatusNotFound, res.status)
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t)
	assert.Equal(t, http.StatusOK, e.do("", "GET", "/healthz", nil).status)
	assert.Equal(t, http.StatusOK, e.do("", "GET", "/readyz", nil).status)
	journeyState(t, e)
	res := e.do("", "GET", "/metrics", nil)
	require.Equal(t, http.StatusOK, res.status)
	body := string(res.body)
	assert.Contains(t, body, `socialrx_http_requests_total{route="POST /v1/referrals",status="201"} 1`)
	assert.Contains(t, body, `socialrx_http_request_duration_seconds_bucket{route="POST /v1/referrals",le="+Inf"} 1`)
	assert.Contains(t, body, "socialrx_outbox_depth ")
}
