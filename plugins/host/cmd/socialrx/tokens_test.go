package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
)

// socialrx runs the socialrx binary with args and returns its exit status
// and output.
func socialrx(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(binaries(t)["socialrx"][0], args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), o.String(), e.String()
	}
	require.NoError(t, err)
	return 0, o.String(), e.String()
}

// bareConfig writes a config with no tokens of its own, its files in dir.
func bareConfig(t *testing.T, dir string) (path string, cfg config.Config) {
	t.Helper()
	cfg = config.Config{Addr: "127.0.0.1:0", TokensFile: filepath.Join(dir, "tokens.json"),
		Store:     config.PluginConfig{SQLite: filepath.Join(dir, "socialrx.db")},
		Messenger: config.PluginConfig{Log: filepath.Join(dir, "messages.jsonl")}}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	path = filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, j, 0o600))
	return path, cfg
}

var secretLine = regexp.MustCompile(`^srx_[0-9a-f]{48}\n$`)

// TestTokensCommand: add prints the secret once and keeps only its hash in
// a 0600 file; list shows no secret nor hash; rotate replaces the hash;
// revoke removes the token; each refuses what it cannot do.
func TestTokensCommand(t *testing.T) {
	dir := t.TempDir()
	cfgPath, cfg := bareConfig(t, dir)

	code, out, errOut := socialrx(t, "tokens", "add", "--config", cfgPath, "--role", "link_worker", "--team", "north", "sam")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, secretLine, out, "the secret alone on stdout")
	secret := strings.TrimSpace(out)
	assert.Contains(t, errOut, "shown only this once")
	fi, err := os.Stat(cfg.TokensFile)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	file, err := os.ReadFile(cfg.TokensFile)
	require.NoError(t, err)
	assert.NotContains(t, string(file), secret)
	saved, err := config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	assert.Equal(t, []httpapi.Token{{ID: "sam", Role: "link_worker", Team: "north", SHA256: httpapi.HashToken(secret)}}, saved)

	code, out, errOut = socialrx(t, "tokens", "add", "--role", "referrer", "--organisation", "A81001", "--config", cfgPath, "gp")
	require.Equal(t, 0, code, errOut)
	gpSecret := strings.TrimSpace(out)

	code, out, errOut = socialrx(t, "tokens", "list", "--config", cfgPath)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `(?m)^sam\s+link_worker\s+-\s+north\s+`+regexp.QuoteMeta(cfg.TokensFile)+`$`, out)
	assert.Regexp(t, `(?m)^gp\s+referrer\s+A81001\s+-\s+`, out)
	for _, s := range []string{secret, gpSecret, httpapi.HashToken(secret), httpapi.HashToken(gpSecret), "srx_"} {
		assert.NotContains(t, out, s, "a listed token never shows its secret or hash")
	}

	code, out, errOut = socialrx(t, "tokens", "rotate", "--config", cfgPath, "sam")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, secretLine, out)
	rotated := strings.TrimSpace(out)
	assert.NotEqual(t, secret, rotated)
	saved, err = config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	assert.Equal(t, httpapi.HashToken(rotated), saved[0].SHA256)
	assert.Equal(t, "gp", saved[1].ID, "the others are kept as they were")

	code, out, errOut = socialrx(t, "tokens", "revoke", "--config", cfgPath, "sam")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	saved, err = config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	assert.Len(t, saved, 1)
	fi, err = os.Stat(cfg.TokensFile)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())

	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"revoke", "sam"}, 1, `no token "sam"`},
		{[]string{"rotate", "nobody"}, 1, `no token "nobody"`},
		{[]string{"add", "--role", "admin", "gp"}, 1, `a token with id "gp" exists already`},
		{[]string{"add", "--role", "partner", "lead"}, 2, "--organisation: required for role partner"},
		{[]string{"add", "--role", "wizard", "x"}, 2, `--role: unknown role "wizard"`},
		{[]string{"add", "x", "--role", "admin"}, 2, `"--role" after the arguments`},
		{[]string{"add", "--role", "admin"}, 2, "missing ID"},
		{[]string{"revoke", "a", "b"}, 2, "takes ID, but was given 2 arguments"},
		{[]string{"list", "extra"}, 2, "takes no arguments"},
		{[]string{"list", "--role", "admin"}, 2, "flag provided but not defined: -role"},
		{[]string{"dance"}, 2, `unknown command "dance"`},
	} {
		code, _, errOut := socialrx(t, append([]string{"tokens", tc.args[0], "--config", cfgPath}, tc.args[1:]...)...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		assert.Contains(t, errOut, tc.says, tc.args)
	}
	saved, err = config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	assert.Equal(t, []string{"gp"}, []string{saved[0].ID}, "refused commands change nothing")

	code, out, _ = socialrx(t, "tokens", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "add ID ")

	// Tokens written in the config file are listed, not changed.
	tour := filepath.Join(tourDir, "config.json")
	code, out, _ = socialrx(t, "tokens", "list", "--config", tour)
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^admin\s+admin\s+-\s+-\s+config file$`, out)
	code, _, errOut = socialrx(t, "tokens", "rotate", "--config", tour, "admin")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `token "admin" is written in the config file`)
}

// bearer sends a GET with a bearer secret, outside the OpenAPI checker.
func bearer(t *testing.T, url, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestTokensReachARunningHost: on every deployment of the store, a token
// added while the host runs is accepted, a rotated one's old secret and a
// revoked one are refused with 401, within a few seconds, without a
// restart.
func TestTokensReachARunningHost(t *testing.T) {
	for _, store := range []string{embedded, sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) {
			su := setUp(t, store)
			s := start(t, su.dir, su.config)
			audit := s.base + "/v1/audit"
			code, out, errOut := socialrx(t, "tokens", "add", "--config", su.config, "--role", "admin", "ops")
			require.Equal(t, 0, code, errOut)
			secret := strings.TrimSpace(out)
			require.Eventually(t, func() bool { return bearer(t, audit, secret) == http.StatusOK }, 10*time.Second, 50*time.Millisecond, "the new token works")

			code, out, errOut = socialrx(t, "tokens", "rotate", "--config", su.config, "ops")
			require.Equal(t, 0, code, errOut)
			rotated := strings.TrimSpace(out)
			require.Eventually(t, func() bool { return bearer(t, audit, secret) == http.StatusUnauthorized }, 10*time.Second, 50*time.Millisecond, "the old secret is refused")
			assert.Equal(t, http.StatusOK, bearer(t, audit, rotated))

			code, _, errOut = socialrx(t, "tokens", "revoke", "--config", su.config, "ops")
			require.Equal(t, 0, code, errOut)
			require.Eventually(t, func() bool { return bearer(t, audit, rotated) == http.StatusUnauthorized }, 10*time.Second, 50*time.Millisecond, "the revoked token is refused")
			assert.Equal(t, http.StatusOK, s.call("admin", "GET", "/v1/audit", nil).status, "the config's tokens still work")
			assert.Contains(t, s.stderr.String(), "tokens reloaded")
		})
	}
}

// TestFirstAdminTokenOnlyFromServe: commands other than serve leave the
// tokens file alone, so the first admin token is made, and shown, by
// serve; when the file exists without an admin token, serve says how to
// make one.
func TestFirstAdminTokenOnlyFromServe(t *testing.T) {
	dir := t.TempDir()
	cfgPath, cfg := bareConfig(t, dir)
	code, _, errOut := socialrx(t, "export", "oruk", "--config", cfgPath)
	require.Equal(t, 0, code, errOut)
	code, _, errOut = socialrx(t, "tokens", "list", "--config", cfgPath)
	require.Equal(t, 0, code, errOut)
	assert.NoFileExists(t, cfg.TokensFile, "no command but serve makes the tokens file")

	s := start(t, dir, cfgPath)
	saved, err := config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	require.Len(t, saved, 1)
	assert.Equal(t, "admin", string(saved[0].Role))
	require.NoError(t, s.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, s.cmd.Wait())

	dir = t.TempDir()
	cfgPath, cfg = bareConfig(t, dir)
	code, _, errOut = socialrx(t, "tokens", "add", "--config", cfgPath, "--role", "commissioner", "icb")
	require.Equal(t, 0, code, errOut)
	s = start(t, dir, cfgPath)
	require.Eventually(t, func() bool {
		return strings.Contains(s.stderr.String(), "socialrx tokens add --config FILE --role admin admin")
	}, 10*time.Second, 20*time.Millisecond, s.stderr.String())
	saved, err = config.ReadTokens(cfg.TokensFile)
	require.NoError(t, err)
	assert.Len(t, saved, 1, "serve made no token")
}

// TestMetricsOnTheirOwnAddress: with metrics_addr, /metrics leaves the API
// and is served there, to an admin's token only, parsed by the Prometheus
// text parser; with metrics_public, to anyone.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	for _, public := range []bool{false, true} {
		dir := t.TempDir()
		cfg, err := config.Load(writeConfig(t, dir, false))
		require.NoError(t, err)
		cfg.MetricsAddr, cfg.MetricsPublic = "127.0.0.1:0", public
		j, err := json.Marshal(cfg)
		require.NoError(t, err)
		path := filepath.Join(dir, "config.json")
		require.NoError(t, os.WriteFile(path, j, 0o600))
		s := start(t, dir, path)
		var addr string
		require.Eventually(t, func() bool {
			m := regexp.MustCompile(`"msg":"serving metrics","addr":"([^"]+)"`).FindStringSubmatch(s.stderr.String())
			if m != nil {
				addr = m[1]
			}
			return m != nil
		}, 10*time.Second, 20*time.Millisecond)
		require.Equal(t, http.StatusOK, s.call("admin", "GET", "/v1/audit", nil).status, "a call to the store, to be timed")
		assert.Equal(t, http.StatusNotFound, bearer(t, s.base+"/metrics", "tour-admin"), "not on the API's address")
		if !public {
			assert.Equal(t, http.StatusUnauthorized, bearer(t, "http://"+addr+"/metrics", "wrong"))
			assert.Equal(t, http.StatusForbidden, bearer(t, "http://"+addr+"/metrics", "tour-link-worker"))
		}
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		require.NoError(t, err)
		if !public {
			req.Header.Set("Authorization", "Bearer tour-admin")
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode)
		for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "socialrx_outbox_depth", "socialrx_plugin_call_duration_seconds"} {
			assert.Contains(t, fams, name)
		}
	}
}
