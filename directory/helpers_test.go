package directory_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// readTestdata returns a file under testdata/oruk.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oruk", name))
	require.NoError(t, err)
	return b
}

// official compiles one of the official ORUK compiled schemas.
func official(t testing.TB, name string) *schema.Validator {
	t.Helper()
	v, err := schema.Compile("https://openreferral.org/oruk/"+name, readTestdata(t, "schema/"+name))
	require.NoError(t, err)
	return v
}

// officialPage compiles the service_list paging envelope: the Page schema of
// the official openapi.json with contents items of the compiled service_list.json.
func officialPage(t testing.TB) *schema.Validator {
	t.Helper()
	var api struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(readTestdata(t, "schema/openapi.json"), &api))
	page, ok := api.Components.Schemas["Page"]
	require.True(t, ok)
	doc, err := json.Marshal(map[string]any{
		"allOf": []json.RawMessage{page},
		"properties": map[string]any{
			"contents": map[string]any{"type": "array", "items": json.RawMessage(readTestdata(t, "schema/service_list.json"))},
		},
	})
	require.NoError(t, err)
	v, err := schema.Compile("https://openreferral.org/oruk/service_list_page.json", doc)
	require.NoError(t, err)
	return v
}

// paths lists the JSON pointers an error names.
func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

// edit decodes a JSON document, applies f to it and encodes it again.
func edit(t testing.TB, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	f(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// obj and arr walk a decoded document.
func obj(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}
