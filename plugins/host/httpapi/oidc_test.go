package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// fakeIssuer is an OpenID Connect issuer served by the test: its
// discovery document and its JWKS (one RSA key), and tokens it signs.
type fakeIssuer struct {
	url string
	key *rsa.PrivateKey
}

const audience = "socialrx-api"

func newFakeIssuer(t testing.TB) *fakeIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	iss := &fakeIssuer{key: key}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss.url = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.url, "jwks_uri": iss.url + "/jwks",
			"authorization_endpoint": iss.url + "/authorize", "token_endpoint": iss.url + "/token",
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	return iss
}

// claims are a token's claims for the issuer and audience, valid for an
// hour from now, changed by set.
func (i *fakeIssuer) claims(sub string, set map[string]any) map[string]any {
	c := map[string]any{"iss": i.url, "aud": audience, "sub": sub, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range set {
		c[k] = v
	}
	return c
}

// sign signs claims with key (the issuer's own, or another).
func sign(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	jws, err := signer.Sign(payload)
	require.NoError(t, err)
	s, err := jws.CompactSerialize()
	require.NoError(t, err)
	return s
}

// unsigned is a token with "alg": "none" and no signature.
func unsigned(t testing.TB, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}

// newOIDCEnv is the HTTP API with the test tokens and single sign-on from iss.
func newOIDCEnv(t testing.TB, he *hosttest.Env, iss *fakeIssuer, only bool) *env {
	t.Helper()
	o, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: iss.url, Audience: audience, RoleClaim: "roles", OrganisationClaim: "org", Only: only})
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
	iss := newFakeIssuer(t)
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		e := newOIDCEnv(t, he, iss, false)
		ref := sign(t, iss.key, iss.claims("dr-patel@nhs.example", map[string]any{"roles": []string{"offline_access", "referrer"}, "org": "A81001", "team": "north"}))
		res := e.bearer(ref, "POST", "/v1/referrals", referralDoc(t))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		var r referral.Referral
		res.decode(t, &r)
		assert.Equal(t, http.StatusOK, e.bearer(ref, "GET", "/v1/referrals/"+r.ID, nil).status)
		other := sign(t, iss.key, iss.claims("dr-jones@nhs.example", map[string]any{"roles": "referrer", "org": "B82002"}))
		assert.Equal(t, http.StatusNotFound, e.bearer(other, "GET", "/v1/referrals/"+r.ID, nil).status)

		lw := sign(t, iss.key, iss.claims("sam@sp.example", map[string]any{"roles": "link_worker", "team": "north"}))
		res = e.bearer(lw, "GET", "/v1/referrals", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Contains(t, string(res.body), r.ID)

		admin := sign(t, iss.key, iss.claims("admin@sp.example", map[string]any{"roles": "admin"}))
		res = e.bearer(admin, "GET", "/v1/audit", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Equal(t, http.StatusOK, e.do(referral.RoleAdmin, "GET", "/v1/audit", nil).status, "static tokens work alongside")
	})
}

// TestOIDCRefused: tokens that do not verify are 401, a verified identity
// without a socialrx role 403, each with a problem detail saying why.
func TestOIDCRefused(t *testing.T) {
	iss := newFakeIssuer(t)
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
		{"expired", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": "link_worker", "exp": time.Now().Add(-time.Minute).Unix()})), 401, "the bearer token expired at"},
		{"wrong audience", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": "link_worker", "aud": "another-api"})), 401, "expected audience"},
		{"wrong issuer", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": "link_worker", "iss": "https://elsewhere.example"})), 401, "issued by a different provider"},
		{"unsigned", unsigned(t, iss.claims("sam", lw)), 401, "the bearer token is not valid"},
		{"bad signature", sign(t, otherKey, iss.claims("sam", lw)), 401, "failed to verify signature"},
		{"not a JWT", "abc.def.ghi", 401, "the bearer token is not valid: malformed jwt"},
		{"no subject", sign(t, iss.key, iss.claims("", lw)), 401, "needs a subject"},
		{"unknown role", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": "wizard"})), 403, `the token's roles claim gives no socialrx role (it holds ["wizard"])`},
		{"no role", sign(t, iss.key, iss.claims("sam", nil)), 403, "gives no socialrx role"},
		{"system role", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": "system"})), 403, "gives no socialrx role"},
		{"two roles", sign(t, iss.key, iss.claims("sam", map[string]any{"roles": []string{"admin", "link_worker"}})), 403, "more than one socialrx role"},
		{"partner without organisation", sign(t, iss.key, iss.claims("lead", map[string]any{"roles": "partner"})), 403, "needs an organisation (claim org)"},
		{"organisation not a string", sign(t, iss.key, iss.claims("lead", map[string]any{"roles": "partner", "org": 7})), 403, "org claim must be a string"},
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
	iss := newFakeIssuer(t)
	e := newOIDCEnv(t, hosttest.New(t), iss, true)
	assert.Equal(t, http.StatusUnauthorized, e.do(referral.RoleAdmin, "GET", "/v1/audit", nil).status)
	admin := sign(t, iss.key, iss.claims("admin@sp.example", map[string]any{"roles": "admin"}))
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
	iss := newFakeIssuer(t)
	o, err := httpapi.NewOIDC(httpapi.OIDCConfig{Issuer: iss.url, Audience: audience, Roles: map[string]referral.Role{"SRX-Admins": referral.RoleAdmin}})
	require.NoError(t, err)
	e := newEnvWith(t, hosttest.New(t), httpapi.Options{OIDC: o})
	ok := sign(t, iss.key, iss.claims("a", map[string]any{"socialrx_role": []string{"SRX-Admins"}}))
	assert.Equal(t, http.StatusOK, e.bearer(ok, "GET", "/v1/audit", nil).status)
	raw := sign(t, iss.key, iss.claims("a", map[string]any{"socialrx_role": "admin"}))
	assert.Equal(t, http.StatusForbidden, e.bearer(raw, "GET", "/v1/audit", nil).status)
}
