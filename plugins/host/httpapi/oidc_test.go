package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// newOIDCEnv is the HTTP API with the test tokens and single sign-on from iss.
func newOIDCEnv(t testing.TB, he *hosttest.Env, iss *hosttest.FakeIssuer, only bool) *env {
	t.Helper()
	o, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: iss.URL, Audience: hosttest.FakeIssuerAudience, RoleClaim: "roles", OrganisationClaim: "org", Only: only})
	require.NoError(t, err)
	return newEnvWith(t, he, httpapi.Options{OIDC: o})
}

// bearer sends a request with a bearer token, through the OpenAPI checker.
func (e *env) bearer(token, method, path string, body []byte) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// TestOIDCSignIn: on every deployment, a referrer signed in at the issuer
// makes a referral; its organisation, from the token, reaches it, and
// another organisation's referrer does not. A link worker's token lists
// the team's cases; the static tokens still work alongside.
func TestOIDCSignIn(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		e := newOIDCEnv(t, he, iss, false)
		ref := hosttest.Sign(t, iss.Key, iss.Claims("dr-patel@nhs.example", map[string]any{"roles": []string{"offline_access", "referrer"}, "org": "A81001", "team": "north"}))
		res := e.bearer(ref, "POST", "/v1/referrals", referralDoc(t))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		var r referral.Referral
		res.decode(t, &r)
		assert.Equal(t, http.StatusOK, e.bearer(ref, "GET", "/v1/referrals/"+r.ID, nil).status)
		other := hosttest.Sign(t, iss.Key, iss.Claims("dr-jones@nhs.example", map[string]any{"roles": "referrer", "org": "B82002"}))
		assert.Equal(t, http.StatusNotFound, e.bearer(other, "GET", "/v1/referrals/"+r.ID, nil).status)

		lw := hosttest.Sign(t, iss.Key, iss.Claims("sam@sp.example", map[string]any{"roles": "link_worker", "team": "north"}))
		res = e.bearer(lw, "GET", "/v1/referrals", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Contains(t, string(res.body), r.ID)

		admin := hosttest.Sign(t, iss.Key, iss.Claims("admin@sp.example", map[string]any{"roles": "admin"}))
		res = e.bearer(admin, "GET", "/v1/audit", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Equal(t, http.StatusOK, e.do(referral.RoleAdmin, "GET", "/v1/audit", nil).status, "static tokens work alongside")
	})
}

// TestOIDCRefused: tokens that do not verify are 401, a verified identity
// without a socialrx role 403, each with a problem detail saying why.
func TestOIDCRefused(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	e := newOIDCEnv(t, hosttest.New(t), iss, false)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	lw := map[string]any{"roles": "link_worker"}
	for _, tc := range []struct {
		name   string
		token  string
		status int
		detail string
	}{
		{"expired", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": "link_worker", "exp": time.Now().Add(-time.Minute).Unix()})), 401, "the bearer token expired at"},
		{"wrong audience", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": "link_worker", "aud": "another-api"})), 401, "expected audience"},
		{"wrong issuer", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": "link_worker", "iss": "https://elsewhere.example"})), 401, "issued by a different provider"},
		{"unsigned", hosttest.Unsigned(t, iss.Claims("sam", lw)), 401, "the bearer token is not valid"},
		{"bad signature", hosttest.Sign(t, otherKey, iss.Claims("sam", lw)), 401, "failed to verify signature"},
		{"not a JWT", "abc.def.ghi", 401, "the bearer token is not valid: malformed jwt"},
		{"no subject", hosttest.Sign(t, iss.Key, iss.Claims("", lw)), 401, "needs a subject"},
		{"unknown role", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": "wizard"})), 403, `the token's roles claim gives no socialrx role (it holds ["wizard"])`},
		{"no role", hosttest.Sign(t, iss.Key, iss.Claims("sam", nil)), 403, "gives no socialrx role"},
		{"system role", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": "system"})), 403, "gives no socialrx role"},
		{"two roles", hosttest.Sign(t, iss.Key, iss.Claims("sam", map[string]any{"roles": []string{"admin", "link_worker"}})), 403, "more than one socialrx role"},
		{"partner without organisation", hosttest.Sign(t, iss.Key, iss.Claims("lead", map[string]any{"roles": "partner"})), 403, "needs an organisation (claim org)"},
		{"organisation not a string", hosttest.Sign(t, iss.Key, iss.Claims("lead", map[string]any{"roles": "partner", "org": 7})), 403, "org claim must be a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.bearer(tc.token, "GET", "/v1/onward-referrals", nil)
			require.Equal(t, tc.status, res.status, string(res.body))
			assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
			var p httpapi.Problem
			res.decode(t, &p)
			assert.Equal(t, tc.status, p.Status)
			assert.Contains(t, p.Detail, tc.detail)
			if tc.status == 401 {
				assert.Equal(t, `Bearer realm="socialrx"`, res.header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestOIDCOnly: with "only", the static tokens are refused and signed-in
// callers served.
func TestOIDCOnly(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	e := newOIDCEnv(t, hosttest.New(t), iss, true)
	assert.Equal(t, http.StatusUnauthorized, e.do(referral.RoleAdmin, "GET", "/v1/audit", nil).status)
	admin := hosttest.Sign(t, iss.Key, iss.Claims("admin@sp.example", map[string]any{"roles": "admin"}))
	assert.Equal(t, http.StatusOK, e.bearer(admin, "GET", "/v1/audit", nil).status)
}

// TestOIDCConfigChecked: a bad configuration names the field.
func TestOIDCConfigChecked(t *testing.T) {
	for _, tc := range []struct {
		c     httpapi.OIDCConfig
		field string
	}{
		{httpapi.OIDCConfig{Audience: "a"}, "/oidc/issuer"},
		{httpapi.OIDCConfig{Issuer: "http://login.example.org", Audience: "a"}, "/oidc/issuer"},
		{httpapi.OIDCConfig{Issuer: "https://login.example.org"}, "/oidc/audience"},
		{httpapi.OIDCConfig{Issuer: "https://login.example.org", Audience: "a", Roles: map[string]referral.Role{"SRX-Gods": "system"}}, "/oidc/roles/SRX-Gods"},
	} {
		_, err := httpapi.NewOIDC(tc.c)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.field)
	}
	_, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: "http://127.0.0.1:5556", Audience: "a", Roles: map[string]referral.Role{"SRX-Link-Workers": "link_worker"}})
	assert.NoError(t, err)
}

// TestOIDCRoleMapping: Roles maps the identity provider's group names to
// socialrx roles; the roles' own names then mean nothing.
func TestOIDCRoleMapping(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	o, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: iss.URL, Audience: hosttest.FakeIssuerAudience, Roles: map[string]referral.Role{"SRX-Admins": referral.RoleAdmin}})
	require.NoError(t, err)
	e := newEnvWith(t, hosttest.New(t), httpapi.Options{OIDC: o})
	ok := hosttest.Sign(t, iss.Key, iss.Claims("a", map[string]any{"socialrx_role": []string{"SRX-Admins"}}))
	assert.Equal(t, http.StatusOK, e.bearer(ok, "GET", "/v1/audit", nil).status)
	raw := hosttest.Sign(t, iss.Key, iss.Claims("a", map[string]any{"socialrx_role": "admin"}))
	assert.Equal(t, http.StatusForbidden, e.bearer(raw, "GET", "/v1/audit", nil).status)
}

// TestOIDCIssuerDown: while the issuer cannot be reached, a signed-in
// caller gets 503 (try again), not 401; static tokens still work.
func TestOIDCIssuerDown(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	o, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: down.URL, Audience: hosttest.FakeIssuerAudience})
	require.NoError(t, err)
	e := newEnvWith(t, hosttest.New(t), httpapi.Options{OIDC: o})
	tok := hosttest.Sign(t, iss.Key, map[string]any{"iss": down.URL, "aud": hosttest.FakeIssuerAudience, "sub": "a", "exp": time.Now().Add(time.Hour).Unix(), "socialrx_role": "admin"})
	for range 2 {
		res := e.bearer(tok, "GET", "/v1/audit", nil)
		assert.Equal(t, http.StatusServiceUnavailable, res.status, string(res.body))
	}
	assert.Equal(t, http.StatusOK, e.do(referral.RoleAdmin, "GET", "/v1/audit", nil).status)
}
