package config_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

// TestRetentionConfig: the retention period is read from the config file,
// and a period outside 1 to 1200 months (or -1, never) is refused naming
// the field, before anything is opened.
func TestRetentionConfig(t *testing.T) {
	for _, tc := range []struct {
		months int
		ok     bool
	}{{0, true}, {6, true}, {-1, true}, {1200, true}, {-2, false}, {1201, false}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "socialrx.json")
		db := filepath.Join(dir, "socialrx.db")
		require.NoError(t, os.WriteFile(path, []byte(`{"store":{"sqlite":"`+db+`"},"messenger":{"log":"`+filepath.Join(dir, "m.log")+`"},
			"tokens_file":"`+filepath.Join(dir, "t.json")+`","retention":{"closed_referrals_months":`+itoa(tc.months)+`}}`), 0o600))
		cfg, err := config.Load(path)
		require.NoError(t, err)
		assert.Equal(t, tc.months, cfg.Retention.ClosedReferralsMonths)
		rt, err := config.Open(cfg, nil)
		if tc.ok {
			require.NoError(t, err, tc.months)
			rt.Close()
			continue
		}
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), tc.months)
		assert.Equal(t, "/retention/closed_referrals_months", socialrx.ErrorFields(err)[0].Path)
		_, statErr := os.Stat(db)
		assert.True(t, os.IsNotExist(statErr), "nothing is opened")
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// configIn is a config whose files all live in a new directory.
func configIn(t *testing.T, o config.OutboxConfig) config.Config {
	dir := t.TempDir()
	return config.Config{Store: config.PluginConfig{SQLite: filepath.Join(dir, "db")}, Messenger: config.PluginConfig{Log: filepath.Join(dir, "m.jsonl")},
		TokensFile: filepath.Join(dir, "tokens.json"), Outbox: o}
}

func TestOutboxConfigRanges(t *testing.T) {
	cases := []struct {
		name   string
		outbox config.OutboxConfig
		field  string // "" when valid
	}{
		{"defaults", config.OutboxConfig{}, ""},
		{"all set", config.OutboxConfig{RetryBase: "30s", RetryMax: "2h", MaxAttempts: 12, PruneAfter: "2160h", IdempotencyKeysTTL: "24h", PruneEvery: "15m"}, ""},
		{"largest", config.OutboxConfig{RetryBase: "1h", RetryMax: "168h", MaxAttempts: 1000, PruneAfter: "87600h", IdempotencyKeysTTL: "87600h", PruneEvery: "24h"}, ""},
		{"smallest", config.OutboxConfig{RetryBase: "1s", RetryMax: "1s", MaxAttempts: 1, PruneAfter: "1h", IdempotencyKeysTTL: "1h", PruneEvery: "1m"}, ""},
		{"base not a duration", config.OutboxConfig{RetryBase: "soon"}, "/outbox/retry_base"},
		{"base too short", config.OutboxConfig{RetryBase: "10ms"}, "/outbox/retry_base"},
		{"base too long", config.OutboxConfig{RetryBase: "2h"}, "/outbox/retry_base"},
		{"max below base", config.OutboxConfig{RetryBase: "10m", RetryMax: "5m"}, "/outbox/retry_max"},
		{"max too long", config.OutboxConfig{RetryMax: "169h"}, "/outbox/retry_max"},
		{"no attempts", config.OutboxConfig{MaxAttempts: -1}, "/outbox/max_attempts"},
		{"too many attempts", config.OutboxConfig{MaxAttempts: 1001}, "/outbox/max_attempts"},
		{"prune too soon", config.OutboxConfig{PruneAfter: "59m"}, "/outbox/prune_after"},
		{"keys kept too long", config.OutboxConfig{IdempotencyKeysTTL: "87601h"}, "/outbox/idempotency_keys_ttl"},
		{"keys negative", config.OutboxConfig{IdempotencyKeysTTL: "-1h"}, "/outbox/idempotency_keys_ttl"},
		{"prune too often", config.OutboxConfig{PruneEvery: "30s"}, "/outbox/prune_every"},
		{"prune too rarely", config.OutboxConfig{PruneEvery: "25h"}, "/outbox/prune_every"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, err := config.Open(configIn(t, c.outbox), nil)
			if c.field == "" {
				require.NoError(t, err)
				assert.NoError(t, rt.Close())
				return
			}
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, []string{c.field}, paths, "%v", err)
		})
	}
}

func TestOutboxConfigNamesEveryBadField(t *testing.T) {
	_, err := config.Open(configIn(t, config.OutboxConfig{RetryBase: "x", MaxAttempts: 5000, PruneEvery: "1s"}), nil)
	require.Error(t, err)
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.ElementsMatch(t, []string{"/outbox/retry_base", "/outbox/max_attempts", "/outbox/prune_every"}, paths)
}

// /readyz says ready only once the directory is in memory, so that a load
// balancer sends no search to a host that would make it wait on the store;
// serve loads it as it starts.
func TestReadyOnlyOnceTheDirectoryIsLoaded(t *testing.T) {
	rt, err := config.Open(configIn(t, config.OutboxConfig{}), nil)
	require.NoError(t, err)
	defer rt.Close()
	ready := func() int {
		rec := httptest.NewRecorder()
		rt.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code
	}
	assert.Equal(t, http.StatusServiceUnavailable, ready(), "not ready before the directory is loaded")
	require.NoError(t, rt.Service.SyncDirectory(t.Context()))
	assert.Equal(t, http.StatusOK, ready())
}
