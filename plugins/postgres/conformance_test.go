package postgres_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// TestConformance runs the Store conformance suite in process, each subtest
// on a fresh schema of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	dbURL(t)
	plugintest.TestStore(t, func(t *testing.T) plugins.Store { return openStore(t) })
}
