package memory_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func FuzzList(f *testing.F) {
	plugintest.FuzzList(f, func(f *testing.F) plugins.Store { return memory.New() })
}
