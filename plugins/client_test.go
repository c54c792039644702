package plugins_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// liveness bounds how long a test waits for something that must happen
// (a relaunch, a failed call to return); it is not a speed measure.
const liveness = 30 * time.Second

// A binary whose SHA-256 does not match is refused before it runs: the
// marker it would write at start is never written.
func TestChecksumMismatchRefusedBeforeRun(t *testing.T) {
	path, sum := memplugin(t)
	marker := filepath.Join(t.TempDir(), "marker")
	wrong := strings.Repeat("0", 64)
	require.NotEqual(t, sum, wrong)
	_, err := plugins.NewClient(plugins.ClientConfig{
		Path: path, SHA256: wrong, Logger: hclog.NewNullLogger(),
		Env: []string{modeEnv + "=memory", markerEnv + "=" + marker},
	})
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), "%v", err)
	assert.ErrorContains(t, err, "SHA-256 does not match")
	assert.NoFileExists(t, marker, "the plugin must not have run")

	// The same binary with its right checksum runs.
	c := launch(t, "memory", func(cfg *plugins.ClientConfig) {
		cfg.Env = append(cfg.Env, markerEnv+"="+marker)
	})
	assert.True(t, c.Status().Up)
	assert.FileExists(t, marker)
}

// A plugin of another protocol version is refused, naming both versions.
func TestOtherProtocolVersionRefused(t *testing.T) {
	path, sum := memplugin(t)
	_, err := plugins.NewClient(plugins.ClientConfig{
		Path: path, SHA256: sum, Logger: hclog.NewNullLogger(), Env: []string{modeEnv + "=v2"},
	})
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
	assert.ErrorContains(t, err, "it speaks protocol version 2, this host speaks protocol version 1")
}

// The host dispenses only the contracts the plugin serves.
func TestDispenseServedContracts(t *testing.T) {
	c := launch(t, "clinical-only", nil)
	assert.Equal(t, []string{plugins.ContractClinical}, c.Status().Contracts)
	_, err := c.Clinical()
	assert.NoError(t, err)
	_, err = c.Store()
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	_, err = c.Messenger()
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
}

// Close stops the plugin gracefully, so Serve closes the adapters, and
// later calls fail with unavailable.
func TestCloseStopsPluginGracefully(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	c := launch(t, "memory", func(cfg *plugins.ClientConfig) {
		cfg.Env = append(cfg.Env, markerEnv+"="+marker)
	})
	s, err := c.Store()
	require.NoError(t, err)
	pid := c.Status().PID
	require.NotZero(t, pid)

	require.NoError(t, c.Close())
	got, err := os.ReadFile(marker)
	require.NoError(t, err)
	assert.Equal(t, "closed", string(got), "Serve closes the store when the host stops the plugin")
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "the plugin process is gone")
	_, err = s.Get(t.Context(), plugins.KindPlan, "p1")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	assert.NoError(t, c.Close(), "a second Close does nothing")
}

// A plugin that crashes or hangs is killed and relaunched; meanwhile calls
// fail with unavailable instead of hanging, and afterwards they work again.
func TestRelaunch(t *testing.T) {
	tests := []struct {
		name   string
		signal syscall.Signal
	}{
		{"crash", syscall.SIGKILL},
		{"hang", syscall.SIGSTOP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := launch(t, "memory", func(cfg *plugins.ClientConfig) {
				cfg.CallTimeout = 2 * time.Second
				cfg.HealthInterval = 50 * time.Millisecond
				cfg.HealthTimeout = 500 * time.Millisecond
				cfg.MinBackoff = 10 * time.Millisecond
			})
			s, err := c.Store()
			require.NoError(t, err)
			_, err = s.Create(t.Context(), write("before"))
			require.NoError(t, err)
			first := c.Status().PID

			require.NoError(t, syscall.Kill(first, tt.signal))
			// Calls fail with unavailable until the relaunch: none hangs.
			var failed error
			require.Eventually(t, func() bool {
				ctx, cancel := context.WithTimeout(context.Background(), liveness)
				defer cancel()
				_, err := s.Get(ctx, plugins.KindPlan, "before")
				if err != nil {
					failed = err
				}
				return err != nil && ctx.Err() == nil
			}, liveness, 10*time.Millisecond)
			assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(failed), "%v", failed)

			require.Eventually(t, func() bool {
				st := c.Status()
				return st.Up && st.PID != first
			}, liveness, 10*time.Millisecond, "the plugin is relaunched")
			st := c.Status()
			assert.Equal(t, 1, st.Restarts)
			assert.Error(t, st.Err, "the status says why it went down")
			assert.ErrorIs(t, syscall.Kill(first, 0), syscall.ESRCH, "the old process is gone")

			// A memory store starts empty again; it works.
			d, err := s.Create(t.Context(), write("after"))
			require.NoError(t, err)
			assert.Equal(t, int64(1), d.Version)
		})
	}
}

func write(id string) plugins.Write {
	return plugins.Write{Document: plugins.Document{Kind: plugins.KindPlan, ID: id, Data: json.RawMessage(`{"n":1}`)}}
}

// The checksum is checked at every launch: a binary replaced while the
// plugin ran is refused when the plugin is relaunched, the host stays
// down (calls fail with unavailable) and says why, and it comes back up
// once the trusted binary is back.
func TestRelaunchRechecksChecksum(t *testing.T) {
	orig, sum := memplugin(t)
	good, err := os.ReadFile(orig)
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "plugin")
	replace := func(b []byte) {
		tmp := filepath.Join(dir, "plugin.new")
		require.NoError(t, os.WriteFile(tmp, b, 0o755))
		require.NoError(t, os.Rename(tmp, path)) // a running binary cannot be written in place
	}
	replace(good)

	c, err := plugins.NewClient(plugins.ClientConfig{
		Path: path, SHA256: sum, Env: []string{modeEnv + "=memory"}, Logger: hclog.NewNullLogger(),
		HealthInterval: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s, err := c.Store()
	require.NoError(t, err)

	replace(append(good[:len(good):len(good)], 0))
	require.NoError(t, syscall.Kill(c.Status().PID, syscall.SIGKILL))
	require.Eventually(t, func() bool {
		return socialrx.ErrorCode(c.Status().Err) == socialrx.CodeForbidden
	}, liveness, 10*time.Millisecond, "the relaunch is refused")
	assert.False(t, c.Status().Up)
	_, err = s.Get(t.Context(), plugins.KindPlan, "p")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, "SHA-256 does not match")

	replace(good)
	require.Eventually(t, func() bool { return c.Status().Up }, liveness, 10*time.Millisecond)
	_, err = s.Create(t.Context(), write("back"))
	assert.NoError(t, err)
}
