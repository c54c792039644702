// Package enumsok is a fixture for CheckEnums: its enums agree with their
// constants, whichever way the constants are written.
package enumsok

import "github.com/socialrx/socialrx"

// Colour is an enum whose constants name values in several ways.
type Colour string

const red = "red"

// The colours.
const (
	// ColourRed takes its value from another constant.
	ColourRed Colour = red
	// ColourGreen is a plain literal.
	ColourGreen Colour = "green"
	// ColourBlue is typed by a conversion.
	ColourBlue = Colour("blue")
	// ColourDarkBlue is a concatenation.
	ColourDarkBlue Colour = "dark_" + "blue"
)

var colours = []Colour{ColourRed, ColourGreen, ColourBlue, ColourDarkBlue}

// EnumValues lists the colours.
func (Colour) EnumValues() []string { return socialrx.EnumStrings(colours) }

// Shade is an enum whose EnumValues is a literal list.
type Shade string

// The shades.
const (
	ShadeLight Shade = "light"
	ShadeDark  Shade = "dark"
)

// EnumValues lists the shades.
func (Shade) EnumValues() []string { return []string{"light", "dark"} }

// Label is a string type without EnumValues; its constants are not checked.
type Label string

// A label.
const LabelAny Label = "any"
