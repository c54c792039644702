package schema_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// checked is a document with a rule the schema cannot say.
type checked struct {
	Name  string `json:"name" jsonschema:"maxLength=10"`
	Count int    `json:"count" jsonschema:"minimum=0,maximum=100"`
	Code  string `json:"code,omitempty" jsonschema:"maxLength=20"`
	Inner struct {
		Note string `json:"note" jsonschema:"maxLength=10"`
	} `json:"inner"`
}

// rules are the Go rules: the code must be "ok", the note must not be
// "bad", the name must not be "Bob", and the count must be even.
func (c *checked) rules() error {
	var fs []socialrx.FieldError
	if c.Count%2 != 0 {
		fs = append(fs, socialrx.Field("/count", "must be even"))
	}
	if c.Code != "" && c.Code != "ok" {
		fs = append(fs, socialrx.Field("/code", "must be ok"))
	}
	if c.Inner.Note == "bad" {
		fs = append(fs, socialrx.Field("/inner/note", "must not be bad"))
	}
	if c.Name == "" || c.Name == "Bob" {
		fs = append(fs, socialrx.Field("/name", "must not be Bob or empty"))
	}
	return socialrx.Invalid(fs...)
}

// TestCheckReportsSchemaAndRulesSideBySide: one answer has every failing
// pointer, the schema's beside the rules', and the rules' consequences of
// what the schema refused are not reported twice.
func TestCheckReportsSchemaAndRulesSideBySide(t *testing.T) {
	b, err := schema.Reflect("checked", checked{})
	require.NoError(t, err)
	v, err := schema.Compile("checked.json", b)
	require.NoError(t, err)
	check := (*checked).rules
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"good", `{"name":"Ann","count":2,"inner":{"note":"x"}}`, nil},
		{"whole numbers are integers", `{"name":"Ann","count":2.0,"inner":{"note":"x"}}`, nil},
		{"a schema error beside a rule's", `{"name":"Ann","count":2,"code":"no","inner":{"note":"x"},"extra":1}`, []string{"/code", "/extra"}},
		{"errors of both in one object", `{"name":"Ann","count":-1,"inner":{"note":"bad"}}`, []string{"/count", "/inner/note"}},
		{"a rule does not repeat the schema", `{"name":"Ann","count":101,"inner":{"note":"x"}}`, []string{"/count"}},
		{"a value of the wrong type", `{"name":"Ann","count":"two","code":"no","inner":{"note":"x"}}`, []string{"/code", "/count"}},
		{"nor under what the schema refused", `{"name":"Bob","count":2,"inner":7}`, []string{"/inner", "/name"}},
		{"null", `null`, []string{""}},
		{"malformed", `{"name":`, []string{""}},
		{"a number out of range", `{"name":"Ann","count":1e400,"code":"no","inner":{"note":"x"}}`, []string{"/code", "/count"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schema.Check(([]byte)(tc.doc), v, check)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "Ann", got.Name)
				assert.Equal(t, 2, got.Count)
				return
			}
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.want, pathsOf(err))
			if tc.name == "a rule does not repeat the schema" {
				assert.NotContains(t, err.Error(), "even", "the rule's finding at the schema's pointer is left out")
			}
		})
	}
}
