// Package unlisted is a fixture for CheckEnums: the test leaves out one of
// its enum types.
package unlisted

import "github.com/socialrx/socialrx"

// Listed is passed to CheckEnums.
type Listed string

// The one listed value.
const ListedA Listed = "a"

// EnumValues lists the values.
func (Listed) EnumValues() []string { return socialrx.EnumStrings([]Listed{ListedA}) }

// Forgotten is not passed to CheckEnums.
type Forgotten string

// The one forgotten value.
const ForgottenB Forgotten = "b"

// EnumValues lists the values.
func (Forgotten) EnumValues() []string { return socialrx.EnumStrings([]Forgotten{ForgottenB}) }
