// Package duplicate is a fixture for CheckEnums: a value listed twice, and
// two constants with one value.
package duplicate

import "github.com/socialrx/socialrx"

// Twice lists a constant twice.
type Twice string

// The values of Twice.
const (
	TwiceA Twice = "a"
	TwiceB Twice = "b"
)

var twices = []Twice{TwiceA, TwiceB, TwiceA}

// EnumValues lists TwiceA twice.
func (Twice) EnumValues() []string { return socialrx.EnumStrings(twices) }

// Twin has two constants with the same value: a typo for "y".
type Twin string

// The values of Twin.
const (
	TwinX Twin = "x"
	TwinY Twin = "x"
)

var twins = []Twin{TwinX, TwinY}

// EnumValues lists the twins.
func (Twin) EnumValues() []string { return socialrx.EnumStrings(twins) }
