package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
)

// TestSchemasFresh: every published schema is the one reflected from the Go
// types now, the binary embeds the committed file, and Schemas publishes
// exactly these names.
func TestSchemasFresh(t *testing.T) {
	schema.CheckPublished(t, ".", directory.Schemas(), map[string]any{
		"service":      directory.Service{},
		"organization": directory.OrganizationFull{},
	})
}

func TestSchemasAreCopies(t *testing.T) {
	directory.Schemas()["service"][0] = 'x'
	assert.Equal(t, byte('{'), directory.Schemas()["service"][0])
}

func TestValidateAs(t *testing.T) {
	service := readTestdata(t, "examples/service_full.json")
	organization := readTestdata(t, "examples/organization_full.json")
	tests := []struct {
		name      string
		good, bad []byte
		paths     []string
	}{
		{"service", service, edit(t, service, func(m map[string]any) {
			m["x_council_ref"] = "LCC-42"
			obj(m, "organization")["charity_number"] = "123"
		}), []string{"/organization/charity_number", "/x_council_ref"}},
		{"organization", organization, edit(t, organization, func(m map[string]any) {
			m["website"] = "example"
			obj(m, "services", 0)["status"] = "open"
		}), []string{"/services/0/status", "/website"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, directory.ValidateAs(tc.name, tc.good))
			err := directory.ValidateAs(tc.name, tc.bad)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.paths, paths(err))
		})
	}
	assert.Error(t, directory.ValidateAs("service", organization), "an organization is not a service")

	err := directory.ValidateAs("services", service)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, "organization, service")
}
