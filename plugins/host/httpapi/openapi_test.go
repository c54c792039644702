package httpapi_test

import (
	"encoding/json"
	"fmt"
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
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	res.decode(t, &doc)
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	n := 0
	for _, pattern := range e.h.Routes() {
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
	assert.JSONEq(t, string(res.body), string(e.h.OpenAPI()))

	// Component names are what OpenAPI allows, and every $ref resolves.
	for name := range doc.Components.Schemas {
		assert.Regexp(t, `^[a-zA-Z0-9._-]+$`, name)
	}
	var whole any
	require.NoError(t, json.Unmarshal(res.body, &whole))
	refs := 0
	walkRefs(whole, func(ref string) {
		refs++
		_, err := resolve(whole, ref)
		assert.NoError(t, err, ref)
	})
	assert.Greater(t, refs, 50)

	// Types that share a name are told apart by their package, and each
	// reference points at the right one.
	ref := func(component, property string) string {
		p := doc.Components.Schemas[component]["properties"].(map[string]any)[property].(map[string]any)
		if items, ok := p["items"].(map[string]any); ok {
			p = items
		}
		return p["$ref"].(string)
	}
	assert.Equal(t, "#/components/schemas/plan.StatusChange", ref("Plan", "history"))
	assert.Contains(t, doc.Components.Schemas["plan.StatusChange"]["properties"], "why")
	assert.Contains(t, doc.Components.Schemas["host.StatusChange"]["properties"], "reason")
	body := doc.Paths["/v1/referrals/{id}/status"]["post"]["requestBody"].(map[string]any)
	assert.Contains(t, string(mustJSON(t, body)), `"#/components/schemas/host.StatusChange"`)
	assert.Equal(t, "#/components/schemas/directory.Contact", ref("Service", "contacts"))
	assert.Contains(t, doc.Components.Schemas["plan.Contact"]["properties"], "minutes")
	assert.Contains(t, doc.Components.Schemas["directory.Contact"]["properties"], "phones")
	for _, want := range []string{"Referral", "OnwardReferral", "Problem", "List_Referral", "ORUKPage_ServiceAtLocation"} {
		assert.Contains(t, doc.Components.Schemas, want)
	}
}

// walkRefs calls fn with every "$ref" in a decoded JSON document.
func walkRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && k == "$ref" {
				fn(s)
				continue
			}
			walkRefs(c, fn)
		}
	case []any:
		for _, c := range x {
			walkRefs(c, fn)
		}
	}
}

// resolve follows a local reference ("#/a/b") in a decoded JSON document.
func resolve(doc any, ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("%q is not a local reference", ref)
	}
	cur := doc
	for _, tok := range strings.Split(p, "/")[1:] {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q: %q is not inside an object", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("%q: no %q", ref, tok)
		}
	}
	return cur, nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
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
