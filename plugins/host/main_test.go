package host_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins/plugintest"
)

// TestMain removes the plugin binaries hosttest.Matrix builds.
func TestMain(m *testing.M) { plugintest.Main(m) }
