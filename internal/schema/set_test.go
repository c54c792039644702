package schema_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

func TestSetSchemasAreCopies(t *testing.T) {
	raw := []byte(`{"type":"object"}`)
	s := schema.Set{"doc": {JSON: raw, Validate: func([]byte) error { return nil }}}
	got := s.Schemas()
	require.Equal(t, map[string][]byte{"doc": raw}, got)
	got["doc"][0] = 'x'
	assert.Equal(t, byte('{'), raw[0], "the caller's copy is its own")
}

func TestSetValidate(t *testing.T) {
	b, err := schema.Reflect("doc", doc{})
	require.NoError(t, err)
	v, err := schema.Compile("doc.schema.json", b)
	require.NoError(t, err)
	s := schema.Set{
		"doc": {JSON: b, Validate: v.Validate},
		"colour": {JSON: []byte(`{}`), Validate: func([]byte) error { return socialrx.Invalid(socialrx.Field("/colour", "never")) },
			ValidateAt: func(_ []byte, now time.Time) error {
				return socialrx.Invalid(socialrx.Field("/colour", "never before %d", now.Year()))
			}},
	}
	good := `{"id":"0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10","colour":"red","at":"2026-01-02T03:04:05Z","inner":{"name":"x"}}`
	require.NoError(t, s.Validate("doc", []byte(good)))

	err = s.Validate("doc", []byte(`{"colour":"blue","extra":1}`))
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"/at", "/colour", "/extra", "/id", "/inner"}, paths, "every failing pointer")

	err = s.ValidateAt("colour", []byte(good), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "each name has its own check")
	assert.ErrorContains(t, err, "never before 2030", "the check is given now")

	err = s.Validate("nope", []byte(good))
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, `no schema "nope"; known: colour, doc`)
}
