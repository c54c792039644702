package sqlite_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func FuzzList(f *testing.F) {
	plugintest.FuzzList(f, func(f *testing.F) plugins.Store { return mustOpen(f) })
}
