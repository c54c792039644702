package plugins_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
)

// The test binary doubles as the plugin (go-plugin's re-exec pattern): a
// Client launches it with SOCIALRX_TEST_PLUGIN naming what to serve, and
// TestMain serves that instead of running the tests.
const modeEnv = "SOCIALRX_TEST_PLUGIN"

// markerEnv names a file the plugin writes "started" to when it starts and
// "closed" to when Serve has closed its adapters.
const markerEnv = "SOCIALRX_TEST_MARKER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(modeEnv); mode != "" {
		os.Exit(servePlugin(mode))
	}
	os.Exit(m.Run())
}

func servePlugin(mode string) int {
	mark("started")
	cfg := plugins.ServeConfig{Logger: hclog.NewNullLogger()}
	switch mode {
	case "memory":
		cfg.Store = &markedStore{Store: memory.New()}
		cfg.Clinical = memory.NewFakeClinicalSystem()
	case "clinical-only":
		cfg.Clinical = memory.NewFakeClinicalSystem()
	case "v2":
		// A plugin of a future protocol version 2, served with go-plugin
		// directly as such a plugin would be.
		goplugin.Serve(&goplugin.ServeConfig{
			HandshakeConfig: goplugin.HandshakeConfig{ProtocolVersion: 2,
				MagicCookieKey: plugins.MagicCookieKey, MagicCookieValue: plugins.MagicCookieValue},
			VersionedPlugins: map[int]goplugin.PluginSet{2: {}},
			GRPCServer:       goplugin.DefaultGRPCServer,
			Logger:           hclog.NewNullLogger(),
		})
		return 0
	default:
		fmt.Fprintf(os.Stderr, "unknown %s=%q\n", modeEnv, mode)
		return 2
	}
	if err := plugins.Serve(cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// mark writes what to the marker file, if the test asked for one.
func mark(what string) {
	if p := os.Getenv(markerEnv); p != "" {
		_ = os.WriteFile(p, []byte(what), 0o600)
	}
}

// markedStore marks its Close, to show Serve closes the adapters.
type markedStore struct{ plugins.Store }

func (s *markedStore) Close() error {
	mark("closed")
	return s.Store.Close()
}

// self returns the path and SHA-256 of the test binary.
func self(t testing.TB) (string, string) {
	t.Helper()
	path, err := os.Executable()
	require.NoError(t, err)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return path, hex.EncodeToString(h.Sum(nil))
}

// launch starts the test binary as a plugin serving mode.
func launch(t testing.TB, mode string, tune func(*plugins.ClientConfig)) *plugins.Client {
	t.Helper()
	path, sum := self(t)
	cfg := plugins.ClientConfig{
		Path: path, SHA256: sum, Env: []string{modeEnv + "=" + mode},
		Logger: hclog.NewNullLogger(),
	}
	if tune != nil {
		tune(&cfg)
	}
	c, err := plugins.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}
