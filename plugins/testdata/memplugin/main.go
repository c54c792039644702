// Command memplugin is the plugin the tests of package plugins launch: the
// memory store and fake clinical system served with plugins.Serve, or a
// misbehaving plugin, as SOCIALRX_TEST_PLUGIN says. It lives in testdata
// because it is for tests only.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
)

// markerEnv names a file the plugin writes "started" to when it starts and
// "closed" to when Serve has closed its adapters.
const markerEnv = "SOCIALRX_TEST_MARKER"

func main() {
	mark("started")
	cfg := plugins.ServeConfig{Logger: hclog.NewNullLogger()}
	switch mode := os.Getenv("SOCIALRX_TEST_PLUGIN"); mode {
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
		return
	default:
		fmt.Fprintf(os.Stderr, "memplugin: unknown SOCIALRX_TEST_PLUGIN=%q\n", mode)
		os.Exit(2)
	}
	if err := plugins.Serve(cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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
