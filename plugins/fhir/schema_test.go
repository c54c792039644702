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
	assert.NoError(t, v.Validate([]byte(`{"resourceType":"Task","status":"in-progress","intent":"order"}`)))
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
	}
	for name, doc := range bad {
		err := v.Validate([]byte(doc))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%s: %s", name, doc)
	}
}
