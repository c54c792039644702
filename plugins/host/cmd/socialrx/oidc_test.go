package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
)

// TestServeWithSignIn: the config's "oidc" section makes `socialrx serve`
// accept tokens from the issuer alongside the static ones, or, with
// "only", instead of them; a bad section stops serve naming the field.
func TestServeWithSignIn(t *testing.T) {
	iss := hosttest.NewFakeIssuer(t)
	serveWith := func(t *testing.T, o httpapi.OIDCConfig) (*server, string) {
		dir := t.TempDir()
		cfg, err := config.Load(writeConfig(t, dir, false))
		require.NoError(t, err)
		cfg.OIDC = &o
		j, err := json.Marshal(cfg)
		require.NoError(t, err)
		path := filepath.Join(dir, "config.json")
		require.NoError(t, os.WriteFile(path, j, 0o600))
		return start(t, dir, path), path
	}
	admin := iss.Token(t, "ops@council.example", map[string]any{"socialrx_role": "admin"})
	expired := iss.Token(t, "ops@council.example", map[string]any{"socialrx_role": "admin", "exp": time.Now().Add(-time.Hour).Unix()})

	s, _ := serveWith(t, httpapi.OIDCConfig{Issuer: iss.URL, Audience: hosttest.FakeIssuerAudience})
	assert.Equal(t, http.StatusOK, bearer(t, s.base+"/v1/audit", admin))
	assert.Equal(t, http.StatusUnauthorized, bearer(t, s.base+"/v1/audit", expired))
	assert.Equal(t, http.StatusOK, bearer(t, s.base+"/v1/audit", "tour-admin"), "static tokens alongside")

	s, _ = serveWith(t, httpapi.OIDCConfig{Issuer: iss.URL, Audience: hosttest.FakeIssuerAudience, Only: true})
	assert.Equal(t, http.StatusOK, bearer(t, s.base+"/v1/audit", admin))
	assert.Equal(t, http.StatusUnauthorized, bearer(t, s.base+"/v1/audit", "tour-admin"), "only sign-in")

	dir := t.TempDir()
	cfg, err := config.Load(writeConfig(t, dir, false))
	require.NoError(t, err)
	cfg.OIDC = &httpapi.OIDCConfig{Issuer: "http://login.example.org", Audience: "a"}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, j, 0o600))
	code, _, errOut := socialrx(t, "serve", "--config", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "/oidc/issuer")
}
