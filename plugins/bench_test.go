package plugins_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// BenchmarkStore measures the memory store's Get and Create in process and
// through a plugin process over gRPC, so that the cost of the plugin
// boundary reads off as a ratio. (examples/sqlite-plugin does the same for
// the SQLite store.)
func BenchmarkStore(b *testing.B) {
	b.Run("memory/inprocess", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			s := memory.New()
			b.Cleanup(func() { _ = s.Close() })
			return s
		})
	})
	b.Run("memory/plugin", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			s, err := launch(b, "memory", nil).Store()
			require.NoError(b, err)
			return s
		})
	})
}
