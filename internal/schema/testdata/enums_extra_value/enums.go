// Package extravalue is a fixture for CheckEnums: EnumValues lists a value
// no constant declares.
package extravalue

// Size is a size.
type Size string

// The sizes.
const (
	Small Size = "small"
	Large Size = "large"
)

// EnumValues lists the sizes and one more.
func (Size) EnumValues() []string { return []string{"small", "medium", "large"} }
