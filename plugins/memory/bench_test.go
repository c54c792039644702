package memory_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func BenchmarkStore(b *testing.B) {
	plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
		s := memory.New()
		b.Cleanup(func() { _ = s.Close() })
		return s
	})
}
