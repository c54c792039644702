package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/referral"
)

// bodyRoutes are, for each schema of the bad-document corpus, a route
// whose request body the API validates by it, and who may call it. An
// {id} that names nothing is fine: the body is validated first.
var bodyRoutes = map[string]struct {
	role    referral.Role
	path    string
	headers []string
}{
	"referral":            {referral.RoleReferrer, "/v1/referrals", []string{"Idempotency-Key", "k"}},
	"assessment":          {referral.RoleLinkWorker, "/v1/referrals/{id}/plans", nil},
	"status_change":       {referral.RoleLinkWorker, "/v1/referrals/{id}/status", []string{"If-Match", `"1"`}},
	"consent_change":      {referral.RoleLinkWorker, "/v1/referrals/{id}/consents", []string{"If-Match", `"1"`}},
	"onward_request":      {referral.RoleLinkWorker, "/v1/referrals/{id}/onward-referrals", nil},
	"measurement_request": {referral.RoleLinkWorker, "/v1/referrals/{id}/measurements", nil},
	"extension_request":   {referral.RoleLinkWorker, "/v1/plans/{id}/budget", []string{"If-Match", `"1"`}},
	"directory_query":     {referral.RoleLinkWorker, "/v1/directory/search", nil},
	"match_request":       {referral.RoleLinkWorker, "/v1/directory/match", nil},
}

const nobody = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f99"

// TestValidateAgreesWithTheAPI: for every document of the bad-document
// corpus (testdata/bad/<schema>/*.json), the command line's validate and
// the HTTP API's body validation report the same errors: the same
// pointers with the same rules, in the same order, schema errors and
// domain errors side by side.
func TestValidateAgreesWithTheAPI(t *testing.T) {
	a := newAPI(t)
	files, err := filepath.Glob("testdata/bad/*/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15)
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		route, ok := bodyRoutes[name]
		require.True(t, ok, "no route takes a %s body: add it to bodyRoutes", name)
		t.Run(name+"/"+strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			code, out, errOut := runCmd("validate", "--type", name, file)
			require.Equal(t, 1, code, "the corpus holds bad documents only: %s%s", out, errOut)
			var cli []httpapi.ProblemField
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				rest, ok := strings.CutPrefix(line, file+": ")
				require.True(t, ok, line)
				ptr, rule, ok := strings.Cut(rest, ": ")
				require.True(t, ok, line)
				if ptr == "/" {
					ptr = ""
				}
				cli = append(cli, httpapi.ProblemField{Pointer: ptr, Detail: rule})
			}

			body, err := os.ReadFile(file)
			require.NoError(t, err)
			status, res := a.post(t, route.role, strings.ReplaceAll(route.path, "{id}", nobody), body, route.headers...)
			require.Equal(t, 400, status, "%s", res)
			var p httpapi.Problem
			require.NoError(t, json.Unmarshal(res, &p), string(res))
			assert.Equal(t, cli, p.Errors, "the command line and the API report the same errors")
			for _, f := range p.Errors {
				assert.NotRegexp(t, `Go value|map\[|json\.|\bstruct\b|\bint64\b|float64`, f.Detail, "no Go type names")
			}
		})
	}
}

// TestWholeNumbersAcceptedEverywhere: a whole number written 2.0 or 2e0
// where an integer is due is an integer to the published schema, to the
// command line and to the API alike.
func TestWholeNumbersAcceptedEverywhere(t *testing.T) {
	a := newAPI(t)
	for _, contacts := range []string{"2.0", "2e0", "0.2e1"} {
		doc := []byte(`{"contacts":` + contacts + `,"reason":"more time"}`)
		file := writeTemp(t, "ext.json", doc)
		code, out, _ := runCmd("validate", "--type", "extension_request", file)
		assert.Equal(t, 0, code, "%s: %s", contacts, out)
		status, res := a.post(t, referral.RoleLinkWorker, "/v1/plans/"+nobody+"/budget", doc, "If-Match", `"1"`)
		assert.Equal(t, 404, status, "%s passes the body's validation (and finds no plan): %s", contacts, res)
	}
}
