package httpapi_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
)

// Every published schema, the NATS message payload's included, is listed
// at /v1/schemas with a versioned $id and served, as published, where the
// list says.
func TestSchemasListedAndServed(t *testing.T) {
	e := newEnv(t)
	res := e.do("", "GET", "/v1/schemas", nil)
	require.Equal(t, 200, res.status, string(res.body))
	var list httpapi.SchemaList
	res.decode(t, &list)

	published := host.Schemas()
	var names []string
	for _, s := range list.Schemas {
		names = append(names, s.Name)
		assert.Equal(t, schema.BaseID+s.Name+".schema.json", s.ID, "the $id of %s is stable and versioned", s.Name)
		assert.True(t, strings.HasPrefix(s.ID, "https://github.com/socialrx/socialrx/schemas/v1/"), s.ID)
		got := e.do("", "GET", s.URL, nil)
		require.Equal(t, 200, got.status, s.URL)
		assert.Equal(t, "application/schema+json", got.header.Get("Content-Type"))
		assert.Equal(t, string(published[s.Name]), string(got.body), "%s serves the published schema", s.URL)
	}
	assert.Equal(t, slices.Sorted(maps.Keys(published)), names, "every published schema is listed, by name")
	assert.Contains(t, names, "nats_payload")
	assert.Equal(t, 404, e.do("", "GET", "/v1/schemas/nope.json", nil).status)
}
