package socialrx_test

import (
	"testing"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// TestEnumsAgree: every enum's EnumValues is exactly its constants and its
// JSON Schema enumerates them. Need's values come from its table of needs.
func TestEnumsAgree(t *testing.T) {
	schema.CheckEnums(t, socialrx.Code(""), socialrx.Need(""))
}

func TestEnumStrings(t *testing.T) {
	type colour string
	if got := socialrx.EnumStrings([]colour{"red", "green"}); len(got) != 2 || got[0] != "red" || got[1] != "green" {
		t.Fatalf("EnumStrings = %q", got)
	}
	if got := socialrx.EnumStrings([]colour(nil)); got == nil || len(got) != 0 {
		t.Fatalf("EnumStrings(nil) = %#v, want an empty slice", got)
	}
}
