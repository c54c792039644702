package referral_test

import (
	"testing"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/referral"
)

// TestEnumsAgree: every enum's EnumValues is exactly its constants and its
// JSON Schema enumerates them.
func TestEnumsAgree(t *testing.T) {
	schema.CheckEnums(t,
		referral.ConsentKind(""), referral.ShareScope(""),
		referral.Status(""), referral.Reason(""), referral.Role(""), referral.EventType(""),
		referral.SourceKind(""), referral.Urgency(""),
		referral.TaskStatus(""), referral.RejectReason(""),
		referral.ContactMethod(""), referral.AccessibilityNeed(""),
		referral.CheckInResult(""),
	)
}
