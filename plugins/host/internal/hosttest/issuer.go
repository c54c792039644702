package hosttest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
)

// FakeIssuerAudience is the audience FakeIssuer's tokens are for.
const FakeIssuerAudience = "socialrx-api"

// FakeIssuer is an OpenID Connect issuer served by a test, in place of an
// identity provider: its discovery document and JWKS (one RSA key, "k1"),
// and the tokens it signs.
type FakeIssuer struct {
	// URL is the issuer URL, as its tokens' iss has it.
	URL string
	// Key signs its tokens.
	Key *rsa.PrivateKey
}

// NewFakeIssuer serves a new issuer until t ends.
func NewFakeIssuer(t testing.TB) *FakeIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	iss := &FakeIssuer{Key: key}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss.URL = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.URL, "jwks_uri": iss.URL + "/jwks",
			"authorization_endpoint": iss.URL + "/authorize", "token_endpoint": iss.URL + "/token",
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	return iss
}

// Claims are a token's claims from the issuer for FakeIssuerAudience,
// valid for an hour from now, with set's claims over them.
func (i *FakeIssuer) Claims(sub string, set map[string]any) map[string]any {
	c := map[string]any{"iss": i.URL, "aud": FakeIssuerAudience, "sub": sub, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range set {
		c[k] = v
	}
	return c
}

// Token is Sign(t, i.Key, i.Claims(sub, set)).
func (i *FakeIssuer) Token(t testing.TB, sub string, set map[string]any) string {
	t.Helper()
	return Sign(t, i.Key, i.Claims(sub, set))
}

// Sign signs claims as a compact RS256 JWT with key, under key id "k1".
func Sign(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
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

// Unsigned is a JWT of claims with "alg": "none" and no signature.
func Unsigned(t testing.TB, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}
