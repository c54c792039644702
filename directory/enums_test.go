package directory_test

import (
	"testing"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
)

// TestEnumsAgree: every enum's EnumValues is exactly its constants and its
// JSON Schema enumerates them.
func TestEnumsAgree(t *testing.T) {
	schema.CheckEnums(t,
		directory.Status(""), directory.LocationType(""), directory.Freq(""),
		directory.Access(""), directory.Mode(""), directory.Day(""),
		directory.Barrier(""), directory.Welcome(""), directory.Way(""),
	)
}
