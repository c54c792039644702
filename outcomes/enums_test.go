package outcomes_test

import (
	"testing"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
)

// TestEnumsAgree: every enum's EnumValues is exactly its constants and its
// JSON Schema enumerates them.
func TestEnumsAgree(t *testing.T) {
	schema.CheckEnums(t,
		outcomes.TimePoint(""), outcomes.Mode(""), outcomes.Dimension(""), outcomes.PeriodUnit(""),
		outcomes.Scoring(""), outcomes.Direction(""), outcomes.Domain(""), outcomes.Outcome(""),
	)
}
