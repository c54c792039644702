package main_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// The tests build this command once per test run (without -race, so each
// launch is quick) and launch it as a real plugin process.
func TestMain(m *testing.M) { plugintest.Main(m) }

// launch runs the plugin writing to the log file at path.
func launch(tb testing.TB, path string, tune func(*plugins.ClientConfig)) (*plugins.Client, plugins.Messenger) {
	tb.Helper()
	bin, sum := plugintest.BuildPlugin(tb, ".")
	cfg := plugins.ClientConfig{Path: bin, SHA256: sum, Args: []string{"-log", path}, Logger: hclog.NewNullLogger()}
	if tune != nil {
		tune(&cfg)
	}
	c := plugintest.LaunchPlugin(tb, cfg)
	m, err := c.Messenger()
	require.NoError(tb, err)
	return c, m
}

// The Messenger conformance suite through the plugin process, one process
// and one log file per subtest.
func TestConformance(t *testing.T) {
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
		_, m := launch(t, filepath.Join(t.TempDir(), "messages.jsonl"), nil)
		return m
	})
}

// A message sent through the plugin is in the log file once, and sending it
// again after the plugin crashed and was relaunched returns the first
// receipt instead of writing it twice.
func TestIdempotentAcrossCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages.jsonl")
	c, m := launch(t, path, func(cfg *plugins.ClientConfig) {
		cfg.HealthInterval = 50 * time.Millisecond
		cfg.MinBackoff = 10 * time.Millisecond
	})
	msg := plugins.Message{
		IdempotencyKey: "r-1/accepted", Channel: plugins.ChannelEmail, Subject: "Referral accepted",
		To: plugins.Recipient{Role: plugins.RoleReferrer, Address: "gp@example.org"},
	}
	first, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.False(t, first.Duplicate)

	pid := c.Status().PID
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	require.Eventually(t, func() bool {
		st := c.Status()
		return st.Up && st.PID != pid
	}, time.Minute, 10*time.Millisecond, "the plugin is relaunched")

	again, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.ID, again.ID)

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	entries, err := devlog.ReadLog(f)
	require.NoError(t, err)
	require.Len(t, entries, 1, "written once")
}
