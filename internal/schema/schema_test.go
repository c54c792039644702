package schema_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// colour is a test enum.
type colour string

func (colour) EnumValues() []string { return []string{"red", "green"} }

// inner is nested.
type inner struct {
	// Name must be given.
	Name string `json:"name"`
}

// doc is the reflected test type.
type doc struct {
	ID     string          `json:"id" jsonschema:"format=uuid"`
	Colour colour          `json:"colour"`
	Born   socialrx.Date   `json:"born,omitzero"`
	At     time.Time       `json:"at"`
	Email  string          `json:"email,omitempty" jsonschema:"format=email"`
	Inner  inner           `json:"inner"`
	Needs  []socialrx.Need `json:"needs,omitempty"`
}

func compile(t *testing.T) *schema.Validator {
	b, err := schema.Reflect("doc", doc{})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"format": "date"`)
	assert.Contains(t, string(b), `"loneliness_isolation"`)
	v, err := schema.Compile("doc.json", b)
	require.NoError(t, err)
	return v
}

func TestValidateReportsEveryPointer(t *testing.T) {
	v := compile(t)
	good := `{"id":"0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10","colour":"red","born":"1950-02-03","at":"2026-01-02T03:04:05Z","inner":{"name":"x"}}`
	require.NoError(t, v.Validate([]byte(good)))

	bad := `{"id":"nope","colour":"blue","born":"1950-02-30","at":"2026-01-02T03:04:05Z","email":"not-an-email","inner":{},"needs":["joy"],"extra":1}`
	err := v.Validate([]byte(bad))
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
		assert.NotEmpty(t, f.Rule)
	}
	assert.Equal(t, []string{"/born", "/colour", "/email", "/extra", "/id", "/inner/name", "/needs/0"}, paths)
}

func TestValidateMalformed(t *testing.T) {
	v := compile(t)
	err := v.Validate([]byte(`{"id":`))
	require.Error(t, err)
	f := socialrx.ErrorFields(err)
	require.Len(t, f, 1)
	assert.Equal(t, "", f[0].Path)
	assert.Contains(t, f[0].Rule, "malformed JSON")
}

// node refers to itself.
type node struct {
	Name     string `json:"name"`
	Children []node `json:"children,omitempty"`
}

func TestSelfReferenceResolves(t *testing.T) {
	b, err := schema.Reflect("node", node{})
	require.NoError(t, err)
	v, err := schema.Compile("node.json", b)
	require.NoError(t, err, string(b))
	require.NoError(t, v.Validate([]byte(`{"name":"a","children":[{"name":"b","children":[{"name":"c"}]}]}`)))
	err = v.Validate([]byte(`{"name":"a","children":[{"name":"b","children":[{"nom":"c"}]}]}`))
	require.Error(t, err)
	assert.Equal(t, "/children/0/children/0/name", socialrx.ErrorFields(err)[0].Path)
}
