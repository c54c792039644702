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
	"github.com/socialrx/socialrx/plugins/host/internal/apitest"
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

	// Every route is there at the path a client writes; the mux's
	// patterns are not, and the ORUK preflight is an OPTIONS operation on
	// every ORUK path.
	want := map[string]bool{}
	for _, pattern := range e.h.Routes() {
		method, path, _ := strings.Cut(pattern, " ")
		if path == "/oruk/{path...}" {
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		want[strings.ToLower(method)+" "+path] = true
		if strings.HasPrefix(path, "/oruk/") {
			want["options "+path] = true
		}
	}
	got := map[string]bool{}
	for path, ops := range doc.Paths {
		assert.NotRegexp(t, `\{\$\}|\.\.\.\}`, path, "a router pattern is not a path")
		for method, op := range ops {
			got[method+" "+path] = true
			assert.NotEmpty(t, op["summary"], path)
			responses, _ := op["responses"].(map[string]any)
			assert.Contains(t, responses, "400", "%s %s: every route refuses undeclared query parameters", method, path)
			assert.Contains(t, responses, "401", "%s %s: every route refuses a bad token", method, path)
			assert.NotContains(t, responses, "default", "%s %s: every status is declared", method, path)
		}
	}
	assert.Equal(t, want, got, "the document describes exactly the routes")
	assert.JSONEq(t, string(res.body), string(e.h.OpenAPI()))

	// Query parameters are declared with their schemas, so that a client
	// generated from the document can send them.
	params := func(method, path string) map[string]map[string]any {
		out := map[string]map[string]any{}
		ps, _ := doc.Paths[path][method]["parameters"].([]any)
		for _, p := range ps {
			m := p.(map[string]any)
			out[m["in"].(string)+":"+m["name"].(string)] = m["schema"].(map[string]any)
		}
		return out
	}
	assert.Equal(t, []any{"received", "accepted", "declined", "active", "on_hold", "closed"}, params("get", "/v1/referrals")["query:status"]["enum"])
	assert.Contains(t, params("get", "/v1/referrals"), "query:limit")
	assert.Equal(t, "array", params("get", "/v1/reports/outcomes")["query:breakdown"]["type"])
	assert.Equal(t, []any{"json", "csv"}, params("get", "/v1/reports/outcomes")["query:format"]["enum"])
	for _, name := range []string{"search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "start_time", "end_time", "day", "postcode", "proximity", "organization_id", "modified_after"} {
		assert.Contains(t, params("get", "/oruk/service_at_locations"), "query:"+name)
	}
	assert.Contains(t, params("post", "/v1/referrals/{id}/status"), "header:If-Match")
	updates := doc.Paths["/v1/referrals/{id}/status"]["post"]["responses"].(map[string]any)
	for _, st := range []string{"200", "400", "401", "403", "404", "409", "412", "413", "415", "428", "500", "503"} {
		assert.Contains(t, updates, st)
	}
	creates := doc.Paths["/v1/referrals"]["post"]["responses"].(map[string]any)
	assert.Contains(t, creates, "422")
	assert.Equal(t, []any{}, doc.Paths["/oruk/services"]["get"]["security"], "the ORUK API is public")

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
	for _, want := range []string{"Referral", "OnwardReferral", "Problem", "List_Referral", "ORUKPage_ServiceAt"} {
		assert.Contains(t, doc.Components.Schemas, want)
	}
}

// TestOpenAPIValidates checks the API's OpenAPI document, and the ORUK
// read API's own, with a real OpenAPI 3.1 validator: each builds into a
// model and validates against the OpenAPI 3.1 schema.
func TestOpenAPIValidates(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/v1/openapi.json", "/oruk/openapi.json"} {
		res := e.do("", "GET", path, nil)
		require.Equal(t, http.StatusOK, res.status)
		_, err := apitest.New(res.body)
		assert.NoError(t, err, path)
	}
	var oruk struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]any `json:"paths"`
	}
	e.do("", "GET", "/oruk/openapi.json", nil).decode(t, &oruk)
	require.Len(t, oruk.Servers, 1)
	assert.Equal(t, "/oruk", oruk.Servers[0].URL)
	var paths []string
	for p := range oruk.Paths {
		paths = append(paths, p)
	}
	assert.ElementsMatch(t, []string{"/", "/openapi.json", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
		"/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}"}, paths)
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

func TestHealthReady(t *testing.T) {
	e := newEnv(t)
	assert.Equal(t, http.StatusOK, e.do("", "GET", "/healthz", nil).status)
	assert.Equal(t, http.StatusOK, e.do("", "GET", "/readyz", nil).status)
}
