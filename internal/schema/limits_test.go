package schema_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

func TestPatternMaxLength(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    int
		ok      bool
	}{
		{`^[0-9]{10}$`, 10, true},
		{`^\+?[0-9 ()-]{7,20}$`, 21, true},
		{`^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$`, 8, true},
		{`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$`, 8, true},
		{`^(ab|cde)$`, 3, true},
		{`^$`, 0, true},
		{`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`, 0, false}, // a star
		{`^[a-z]+$`, 0, false},
		{`^[a-z]{2,}$`, 0, false},
		{`[0-9]{10}`, 0, false},  // unanchored: matches inside any string
		{`^[0-9]{10}`, 0, false}, // open at the end
		{`[0-9]{10}$`, 0, false}, // open at the start
		{`^(a|b*)$`, 0, false},
		{`^(`, 0, false}, // does not parse
		{``, 0, false},
	} {
		n, ok := schema.PatternMaxLength(tc.pattern)
		assert.Equal(t, tc.ok, ok, tc.pattern)
		if tc.ok {
			assert.Equal(t, tc.want, n, tc.pattern)
		}
	}
}

// TestUnboundedFindsEveryHole is what keeps the host's test of every
// published schema honest: each kind of unbounded value, anywhere in a
// schema, is reported at its pointer.
func TestUnboundedFindsEveryHole(t *testing.T) {
	doc := `{
	  "type": "object",
	  "additionalProperties": false,
	  "properties": {
	    "name":    {"type": "string"},
	    "sized":   {"type": "string", "maxLength": 200},
	    "code":    {"type": "string", "enum": ["a", "b"]},
	    "fixed":   {"const": "x"},
	    "day":     {"type": "string", "format": "date"},
	    "id":      {"type": "string", "format": "uuid"},
	    "mail":    {"type": "string", "format": "email"},
	    "nhs":     {"type": "string", "pattern": "^[0-9]{10}$"},
	    "lang":    {"type": "string", "pattern": "^[a-z]{2}(-[a-z]{2})*$"},
	    "loose":   {"type": "string", "pattern": "[0-9]{10}"},
	    "list":    {"type": "array", "items": {"type": "string", "maxLength": 5}},
	    "bounded": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
	    "n":       {"type": "integer", "minimum": 0},
	    "x":       {"type": "number", "minimum": 0, "maximum": 1},
	    "y":       {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
	    "z":       {"type": ["number", "null"]},
	    "both":    {"type": ["string", "array"]},
	    "anything": {},
	    "yes":     true,
	    "map":     {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 9}},
	    "open":    {"type": "object", "properties": {"a": {"type": "boolean"}}},
	    "closed":  {"type": "object", "additionalProperties": false, "maxProperties": 0},
	    "either":  {"oneOf": [{"type": "string"}, {"type": "null"}]},
	    "ref":     {"$ref": "#/$defs/Inner"}
	  },
	  "$defs": {
	    "Inner": {"type": "object", "additionalProperties": false, "properties": {"note": {"type": "string"}}}
	  }
	}`
	holes, err := schema.Unbounded([]byte(doc))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"/$defs/Inner/properties/note: a string without maxLength",
		"/properties/name: a string without maxLength",
		"/properties/mail: a string without maxLength",
		"/properties/lang: a string without maxLength",
		"/properties/loose: a string without maxLength",
		"/properties/list: an array without maxItems",
		"/properties/bounded/items: a string without maxLength",
		"/properties/n: an integer without maximum",
		"/properties/z: a number without minimum",
		"/properties/z: a number without maximum",
		"/properties/both: a string without maxLength",
		"/properties/both: an array without maxItems",
		"/properties/anything: admits any value (no type)",
		"/properties/yes: admits any value (the schema true)",
		"/properties/map: an object that takes unnamed properties without maxProperties",
		"/properties/open: an object that takes unnamed properties without maxProperties",
		"/properties/either/oneOf/0: a string without maxLength",
	}, holes)

	_, err = schema.Unbounded([]byte(`{`))
	assert.Error(t, err)
}

// limited is reflected with the defaults and a few explicit limits.
type limited struct {
	Name    string            `json:"name"`
	Short   string            `json:"short" jsonschema:"maxLength=20"`
	Email   string            `json:"email" jsonschema:"format=email"`
	Link    string            `json:"link" jsonschema:"format=uri"`
	ID      string            `json:"id" jsonschema:"format=uuid"`
	Code    string            `json:"code" jsonschema:"pattern=^[A-Z]{3}$"`
	Lang    string            `json:"lang" jsonschema:"pattern=^[a-z]{2}(-[a-z]{2})*$"`
	Colour  colour            `json:"colour"`
	Count   int               `json:"count" jsonschema:"minimum=0"`
	Score   float64           `json:"score" jsonschema:"minimum=-5,maximum=5"`
	Tags    []string          `json:"tags"`
	Log     []inner           `json:"log"`
	Extra   map[string]string `json:"extra"`
	Minutes []int             `json:"minutes" jsonschema:"maxItems=7"`
}

// JSONSchemaExtend bounds the log from a constant, as appended lists do.
func (limited) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"log": maxLog})
}

const maxLog = 500

func TestReflectAppliesTheDefaults(t *testing.T) {
	b, err := schema.Reflect("limited", limited{})
	require.NoError(t, err)
	holes, err := schema.Unbounded(b)
	require.NoError(t, err)
	assert.Empty(t, holes, "the defaults bound everything")

	var s struct {
		Properties map[string]map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(b, &s))
	p := s.Properties
	assert.EqualValues(t, schema.DefaultMaxLength, p["name"]["maxLength"])
	assert.EqualValues(t, 20, p["short"]["maxLength"], "a tag wins")
	assert.EqualValues(t, schema.MaxEmailLength, p["email"]["maxLength"])
	assert.EqualValues(t, schema.MaxURILength, p["link"]["maxLength"])
	assert.NotContains(t, p["id"], "maxLength", "a uuid is bounded by its format")
	assert.NotContains(t, p["code"], "maxLength", "a bounded pattern is enough")
	assert.EqualValues(t, schema.DefaultMaxLength, p["lang"]["maxLength"], "a pattern with a star is not")
	assert.NotContains(t, p["colour"], "maxLength", "an enum is bounded")
	assert.EqualValues(t, 0, p["count"]["minimum"])
	assert.EqualValues(t, schema.MaxSafeInteger, p["count"]["maximum"])
	assert.EqualValues(t, -5, p["score"]["minimum"])
	assert.EqualValues(t, 5, p["score"]["maximum"])
	assert.EqualValues(t, schema.DefaultMaxItems, p["tags"]["maxItems"])
	assert.EqualValues(t, schema.DefaultMaxLength, p["tags"]["items"].(map[string]any)["maxLength"])
	assert.EqualValues(t, maxLog, p["log"]["maxItems"], "from the constant")
	assert.EqualValues(t, schema.DefaultMaxProperties, p["extra"]["maxProperties"])
	assert.EqualValues(t, 7, p["minutes"]["maxItems"])
	assert.EqualValues(t, -schema.MaxSafeInteger, p["minutes"]["items"].(map[string]any)["minimum"])
	assert.EqualValues(t, schema.DefaultMaxLength, s.Defs["inner"].Properties["name"]["maxLength"], "definitions too")

	v, err := schema.Compile("limited.json", b)
	require.NoError(t, err)
	err = v.Validate([]byte(`{"name":"` + strings.Repeat("é", schema.DefaultMaxLength+1) + `"}`))
	assert.Contains(t, pathsOf(err), "/name", "maxLength counts characters")
	err = v.Validate([]byte(`{"name":"` + strings.Repeat("é", schema.DefaultMaxLength) + `"}`))
	assert.NotContains(t, pathsOf(err), "/name")
}

func TestMaxItemsRefusesANonArray(t *testing.T) {
	type odd struct {
		Name string `json:"name"`
	}
	s := schema.Reflector().Reflect(odd{})
	assert.Panics(t, func() { schema.MaxItems(s, map[string]int{"name": 3}) })
	assert.Panics(t, func() { schema.MaxItems(s, map[string]int{"nope": 3}) })
}

// pathsOf returns the pointers an error names.
func pathsOf(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}
