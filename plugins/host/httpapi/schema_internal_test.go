package httpapi

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

// domainPackages publish the aggregates: a response of theirs with an
// identity must have a published schema.
var domainPackages = []string{"referral", "plan", "directory", "outcomes"}

// TestEveryBodyAndAggregateHasItsSchema fails when a route's request body,
// or a domain aggregate (a type of a domain package with an ID) a /v1
// route returns, has no published schema describing exactly that type.
func TestEveryBodyAndAggregateHasItsSchema(t *testing.T) {
	h := &Handler{}
	published := host.Schemas()
	describes := func(name string, v any) bool {
		want, err := schema.Reflect(name, v)
		require.NoError(t, err)
		return string(published[name]) == string(want)
	}
	aggregates := 0
	for _, rt := range h.routes() {
		pattern := rt.Method + " " + rt.Path
		if rt.Body != nil {
			if assert.NotEmpty(t, rt.Schema, "%s has a body but names no schema", pattern) {
				assert.Contains(t, published, rt.Schema, pattern)
				assert.True(t, describes(rt.Schema, rt.Body), "%s: schema %s does not describe %T", pattern, rt.Schema, rt.Body)
			}
		}
		if rt.Response == nil || !strings.HasPrefix(rt.Path, "/v1/") {
			continue
		}
		typ := reflect.TypeOf(rt.Response)
		if f, ok := typ.FieldByName("Items"); ok && strings.HasPrefix(typ.Name(), "List[") {
			typ = f.Type.Elem()
		}
		pkg := typ.PkgPath()[strings.LastIndex(typ.PkgPath(), "/")+1:]
		if _, hasID := typ.FieldByName("ID"); !hasID || !slices.Contains(domainPackages, pkg) {
			continue
		}
		aggregates++
		found := false
		for name := range published {
			if describes(name, reflect.New(typ).Elem().Interface()) {
				found = true
				break
			}
		}
		assert.True(t, found, "%s returns %s, which has no published schema", pattern, typ)
	}
	assert.GreaterOrEqual(t, aggregates, 4, "referrals, onward referrals, plans and measurements at least")
}
