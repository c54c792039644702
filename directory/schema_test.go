package directory_test

import (
	"testing"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
)

func TestSchemasFresh(t *testing.T) {
	schema.CheckFresh(t, "service.schema.json", "service", directory.Service{})
	schema.CheckFresh(t, "organization.schema.json", "organization", directory.OrganizationFull{})
}
