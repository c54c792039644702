// Package missingconst is a fixture for CheckEnums: a constant is missing
// from EnumValues.
package missingconst

import "github.com/socialrx/socialrx"

// Day is a day of the week.
type Day string

// The days.
const (
	Monday    Day = "monday"
	Tuesday   Day = "tuesday"
	Wednesday Day = "wednesday"
)

var days = []Day{Monday, Tuesday}

// EnumValues lists the days, but not Wednesday.
func (Day) EnumValues() []string { return socialrx.EnumStrings(days) }
