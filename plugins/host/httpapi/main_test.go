package httpapi_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/socialrx/socialrx/plugins/plugintest"
)

// TestMain removes the plugin binaries hosttest.Matrix builds, and says
// how much traffic the OpenAPI document was checked against.
func TestMain(m *testing.M) {
	plugintest.Main(&reporting{m})
}

type reporting struct{ m *testing.M }

func (r *reporting) Run() int {
	code := r.m.Run()
	if openapi() == nil {
		return code
	}
	fmt.Println(openapi().Summary())
	if os.Getenv("SOCIALRX_OPENAPI_PAIRS") != "" {
		for _, p := range openapi().Pairs() {
			fmt.Println("  ", p)
		}
	}
	return code
}
