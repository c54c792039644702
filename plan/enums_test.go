package plan_test

import (
	"testing"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plan"
)

// TestEnumsAgree: every enum's EnumValues is exactly its constants and its
// JSON Schema enumerates them.
func TestEnumsAgree(t *testing.T) {
	schema.CheckEnums(t,
		plan.Severity(""), plan.CrisisKind(""), plan.RiskFlag(""), plan.Circumstance(""),
		plan.Readiness(""), plan.SupportNetwork(""), plan.Pathway(""), plan.Escalation(""),
		plan.Status(""), plan.PauseReason(""), plan.CloseReason(""), plan.GoalStatus(""),
		plan.BarrierKind(""), plan.SupportKind(""), plan.ActivityKind(""), plan.ContactKind(""),
	)
}
