package fhir_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/socialrx/socialrx"
)

// The official schema accepts a valid resource and rejects broken ones, so
// the schema checks of the other tests mean something.
func TestOfficialSchemaRejects(t *testing.T) {
	v := officialSchema(t)
	for _, good := range []string{
		`{"resourceType":"Task","status":"in-progress","intent":"order"}`,
		`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","birthDate":"1948-03-14"},"request":{"method":"POST","url":"Patient"}}]}`,
	} {
		assert.NoError(t, v.Validate([]byte(good)), "the whole schema: %s", good)
		assert.NoError(t, validateFHIR(t, []byte(good)), "entry by entry: %s", good)
	}
	bad := map[string]string{
		"birth date not a date":      `{"resourceType":"Patient","birthDate":"14/03/1948"}`,
		"Task status with _":         `{"resourceType":"Task","status":"in_progress","intent":"order"}`,
		"unknown Task status":        `{"resourceType":"Task","status":"lost","intent":"order"}`,
		"ServiceRequest, no subject": `{"resourceType":"ServiceRequest","status":"active","intent":"order"}`,
		"unknown element":            `{"resourceType":"Patient","nhsNumber":"9434765919"}`,
		"unknown resource type":      `{"resourceType":"Referral","id":"1"}`,
		"consent without scope":      `{"resourceType":"Consent","status":"active","category":[{"text":"x"}]}`,
		"unknown consent status":     `{"resourceType":"Consent","status":"withdrawn","scope":{"text":"x"},"category":[{"text":"x"}]}`,
		"not an object":              `["Patient"]`,
		"Bundle entry not valid":     `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","birthDate":"1948"}},{"resource":{"resourceType":"Patient","gender":"unknown-ish"}}]}`,
		"Bundle of unknown type":     `{"resourceType":"Bundle","type":"heap"}`,
	}
	for name, doc := range bad {
		err := v.Validate([]byte(doc))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "the whole schema: %s: %s", name, doc)
		err = validateFHIR(t, []byte(doc))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "entry by entry: %s: %s", name, doc)
	}
}

// A Bundle's entries are checked with their own type's schema, and the
// errors point into the Bundle.
func TestValidateBundleEntries(t *testing.T) {
	err := validateFHIR(t, []byte(`{"resourceType":"Bundle","type":"collection","entry":[
		{"resource":{"resourceType":"Patient","birthDate":"1948"}},
		{"resource":{"resourceType":"Patient","gender":"unknown-ish"}},
		{"resource":{"resourceType":"Task","status":"in_progress","intent":"order"}}]}`))
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Contains(t, paths, "/entry/1/resource/gender")
	assert.Contains(t, paths, "/entry/2/resource/status")
	for _, p := range paths {
		assert.NotContains(t, p, "/entry/0/", "a year is a valid FHIR date")
	}
}
