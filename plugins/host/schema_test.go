package host_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

func TestRequestSchemasFresh(t *testing.T) {
	for name, v := range host.RequestTypes() {
		schema.CheckFresh(t, "schemas/"+name+".schema.json", name, v)
	}
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

// TestEverySchemaIsBounded fails on any published schema that admits a
// value of unbounded size: a string without maxLength, an array without
// maxItems, a number without a minimum and a maximum, an open object
// without maxProperties, a subschema without a type. Each is a way for one
// request to store more than a careful service would keep.
func TestEverySchemaIsBounded(t *testing.T) {
	all := host.Schemas()
	require.NotEmpty(t, all)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		holes, err := schema.Unbounded(all[name])
		require.NoError(t, err, name)
		for _, h := range holes {
			t.Errorf("%s.schema.json#%s", name, h)
		}
	}
}
