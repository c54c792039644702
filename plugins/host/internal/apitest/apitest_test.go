package apitest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/internal/apitest"
)

const doc = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/things/{id}":{"get":{
  "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},
    {"name":"limit","in":"query","schema":{"type":"integer","maximum":10}}],
  "responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}}}},
    "400":{"description":"bad","content":{"application/problem+json":{"schema":{"type":"object"}}}}}}}}}`

// The checker catches each way an API can drift from its document.
func TestCheckerFindsMismatches(t *testing.T) {
	c, err := apitest.New([]byte(doc))
	require.NoError(t, err)
	var status int
	var body, ct string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	tests := []struct {
		name, path, ct, body string
		status               int
		mismatch             string // "" when the exchange agrees
	}{
		{"agrees", "/things/a", "application/json", `{"id":"a"}`, 200, ""},
		{"a refused request refused", "/things/a?limit=99", "application/problem+json", `{}`, 400, ""},
		{"body off its schema", "/things/a", "application/json", `{"name":"a"}`, 200, "does not match"},
		{"undeclared status", "/things/a", "application/json", `{"id":"a"}`, 201, "does not match"},
		{"a request the document refuses, accepted", "/things/a?limit=99", "application/json", `{"id":"a"}`, 200, "refuses the request"},
		{"no such path, not 404", "/other", "application/json", `{}`, 200, "no such operation"},
		{"no such path, 404", "/other", "application/problem+json", `{}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, ct = tt.status, tt.body, tt.ct
			req, err := http.NewRequest("GET", srv.URL+tt.path, nil)
			require.NoError(t, err)
			res, err := http.DefaultTransport.RoundTrip(req)
			require.NoError(t, err)
			res.Body.Close()
			got := strings.Join(c.Check(req, nil, res, []byte(tt.body)), "\n")
			if tt.mismatch == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tt.mismatch)
			}
		})
	}
	assert.Contains(t, c.Pairs(), "GET /things/{id} 200")
	_, err = apitest.New([]byte(`{"openapi":"3.1.0","paths":{}}`))
	assert.Error(t, err, "a document without info is not valid OpenAPI")
}
