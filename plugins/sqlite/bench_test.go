package sqlite_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// BenchmarkStore measures Get and Create on a file in the test's temporary
// directory; every Create is a durable commit (WAL, synchronous=FULL), so
// Create's creates/s is bounded by the disk's fsync rate.
func BenchmarkStore(b *testing.B) {
	plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store { return mustOpen(b) })
}
