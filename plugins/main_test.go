package plugins_test

import (
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// The tests launch testdata/memplugin as a real plugin process. It is built
// once per test run (plugintest.BuildPlugin), without -race so that each
// launch is quick; the wire code it runs is race-checked in this process
// through plugins.NewPipe.
const (
	// modeEnv tells memplugin what to serve.
	modeEnv = "SOCIALRX_TEST_PLUGIN"
	// markerEnv names a file memplugin writes "started" to when it starts
	// and "closed" to when Serve has closed its adapters.
	markerEnv = "SOCIALRX_TEST_MARKER"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// memplugin returns the path and SHA-256 of the built test plugin.
func memplugin(tb testing.TB) (string, string) {
	tb.Helper()
	return plugintest.BuildPlugin(tb, "./testdata/memplugin")
}

// launch starts memplugin serving mode.
func launch(t testing.TB, mode string, tune func(*plugins.ClientConfig)) *plugins.Client {
	t.Helper()
	path, sum := memplugin(t)
	cfg := plugins.ClientConfig{
		Path: path, SHA256: sum, Env: []string{modeEnv + "=" + mode},
		Logger: hclog.NewNullLogger(),
	}
	if tune != nil {
		tune(&cfg)
	}
	return plugintest.LaunchPlugin(t, cfg)
}
