package memory_test

import (
	"testing"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func TestStoreConformance(t *testing.T) {
	plugintest.TestStore(t, func(t *testing.T) plugins.Store {
		s := memory.New()
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestFakeClinicalSystemConformance(t *testing.T) {
	plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
		f := memory.NewFakeClinicalSystem()
		return plugintest.Clinical{
			System:           f,
			KnownNHSNumber:   memory.FakeNHSNumbers[0],
			UnknownNHSNumber: memory.FakeUnknownNHSNumber,
			AddReferral:      f.AddReferral,
		}
	})
}
