package plugins_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// The conformance suites over the gRPC wire inside the test process: every
// behaviour of the contracts survives the conversions and the error mapping.
func TestPipeConformance(t *testing.T) {
	t.Run("Store", func(t *testing.T) {
		plugintest.TestStore(t, func(t *testing.T) plugins.Store {
			c := plugins.NewPipe(t, plugins.ServeConfig{Store: memory.New()}, plugins.ClientConfig{})
			s, err := c.Store()
			require.NoError(t, err)
			return s
		})
	})
	t.Run("Messenger", func(t *testing.T) {
		plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
			m, err := devlog.Open(filepath.Join(t.TempDir(), "messages.jsonl"))
			require.NoError(t, err)
			c := plugins.NewPipe(t, plugins.ServeConfig{Messenger: m}, plugins.ClientConfig{})
			rm, err := c.Messenger()
			require.NoError(t, err)
			return rm
		})
	})
	t.Run("Clinical", func(t *testing.T) {
		plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
			f := memory.NewFakeClinicalSystem()
			c := plugins.NewPipe(t, plugins.ServeConfig{Clinical: f}, plugins.ClientConfig{})
			cs, err := c.Clinical()
			require.NoError(t, err)
			return plugintest.Clinical{
				System:           cs,
				KnownNHSNumber:   memory.FakeNHSNumbers[0],
				UnknownNHSNumber: memory.FakeUnknownNHSNumber,
				AddReferral:      f.AddReferral, // the fake is in this process
			}
		})
	})
}

// The conformance suites through a real plugin process (testdata/memplugin
// serving the memory adapters), one process per subtest. AddReferral is
// not set: the fake lives in the plugin process, out of the suite's reach.
// The sqlite store and the devlog messenger run through their own plugin
// binaries in examples/sqlite-plugin and examples/devlog-plugin.
func TestPluginConformance(t *testing.T) {
	t.Run("Store", func(t *testing.T) {
		plugintest.TestStore(t, func(t *testing.T) plugins.Store {
			s, err := launch(t, "memory", nil).Store()
			require.NoError(t, err)
			return s
		})
	})
	t.Run("Clinical", func(t *testing.T) {
		plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
			cs, err := launch(t, "memory", nil).Clinical()
			require.NoError(t, err)
			return plugintest.Clinical{
				System:           cs,
				KnownNHSNumber:   memory.FakeNHSNumbers[0],
				UnknownNHSNumber: memory.FakeUnknownNHSNumber,
			}
		})
	})
}
