package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/apitest"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// env is the HTTP API over a host service (on the memory store unless
// made by newEnvOn), with a token per role.
type env struct {
	*hosttest.Env
	t   testing.TB
	srv *httptest.Server
	h   *httpapi.Handler
}

func (e *env) handler(*testing.T) *httpapi.Handler { return e.h }

// secret is the bearer secret of a role's test token; "other_<role>" is
// the token of hosttest.Others of that role.
func secret(r referral.Role) string {
	if o, ok := strings.CutPrefix(string(r), "other_"); ok {
		return "other-" + o
	}
	return "secret-" + string(r)
}

func newEnv(t testing.TB) *env {
	t.Helper()
	he := hosttest.New(t)
	he.ImportDirectory(t)
	return newEnvOn(t, he)
}

// newEnvOn is the HTTP API over the service of he, such as a leg of
// hosttest.Matrix.
func newEnvOn(t testing.TB, he *hosttest.Env) *env {
	t.Helper()
	return newEnvWith(t, he, httpapi.Options{})
}

// newEnvWith is newEnvOn with handler options; the test tokens are added
// to them.
func newEnvWith(t testing.TB, he *hosttest.Env, o httpapi.Options) *env {
	t.Helper()
	e := &env{Env: he, t: t}
	var ts []httpapi.Token
	for role, p := range hosttest.Principals {
		ts = append(ts, httpapi.Token{ID: p.ID, Role: p.Role, Organisation: p.Organisation, Team: p.Team, SHA256: httpapi.HashToken(secret(role))})
	}
	for role, p := range hosttest.Others {
		ts = append(ts, httpapi.Token{ID: p.ID, Role: p.Role, Organisation: p.Organisation, Team: p.Team, SHA256: httpapi.HashToken("other-" + string(role))})
	}
	tk, err := httpapi.NewTokens(ts)
	require.NoError(t, err)
	o.Tokens = tk
	h, err := httpapi.NewHandler(e.Svc, o)
	require.NoError(t, err)
	e.h = h
	openapiOnce.Do(func() { openapiChecker = apitest.MustNew(h.OpenAPI()) })
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

func principal(r referral.Role) host.Principal { return hosttest.Principals[r] }

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// do sends a request as role (empty: no token) with optional headers.
func (e *env) do(role referral.Role, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+secret(role))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if _, set := req.Header["If-Match"]; !set && method == "POST" {
		if m := updatedRecord.FindStringSubmatch(path); m != nil {
			// As a client that has just read the record would.
			req.Header.Set("If-Match", e.do(referral.RoleAdmin, "GET", m[1]+m[2]+m[3], nil).header.Get("ETag"))
		}
	}
	res, err := e.client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// openapi checks every request the route tests send, and every response
// they get, against the API's OpenAPI document.
// The document is the same for every handler: it is made from the route
// table alone.
var (
	openapiOnce    sync.Once
	openapiChecker *apitest.Checker
)

func openapi() *apitest.Checker { return openapiChecker }

// client is an HTTP client that fails the test on any request or
// response that does not agree with the OpenAPI document.
func (e *env) client() *http.Client {
	return &http.Client{Transport: openapi().Transport(e.t, nil)}
}

// updatedRecord matches the path of an update route up to the record it
// changes.
var updatedRecord = regexp.MustCompile(`^(/v1/referrals/[^/]+)/(?:status|consents|signposts)|^(/v1/onward-referrals/[^/]+)/|^(/v1/plans/[^/]+)/`)

// referralDoc is the test referral document (a GP referral of Peggy).
func referralDoc(testing.TB) []byte { return hosttest.Doc("referral_new.json") }

var errUnavailable = socialrx.Errorf(socialrx.CodeUnavailable, "provider down")

func assessmentDoc(*testing.T) []byte { return hosttest.Doc("assessment.json") }

func assessmentMap() map[string]any { return hosttest.Map("assessment.json") }

func directoryDoc() []byte { return hosttest.Doc("directory.json") }
