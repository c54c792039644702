package host_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

func TestRequestSchemasFresh(t *testing.T) {
	requests := map[string][]byte{}
	for name, b := range host.Schemas() {
		if _, ok := host.RequestTypes()[name]; ok {
			requests[name] = b
		}
	}
	schema.CheckPublished(t, "schemas", requests, host.RequestTypes())
}

func TestEverySchemaCompiles(t *testing.T) {
	for name, b := range host.Schemas() {
		_, err := schema.Compile(name, b)
		require.NoError(t, err, name)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m), name)
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", m["$schema"], name)
	}
}
