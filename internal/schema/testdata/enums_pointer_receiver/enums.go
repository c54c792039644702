// Package pointerreceiver is a fixture for CheckEnums: EnumValues on *T is
// not seen by the schema reflector, so the schema has no enum.
package pointerreceiver

import "github.com/socialrx/socialrx"

// Mood is a mood.
type Mood string

// The moods.
const (
	MoodHappy Mood = "happy"
	MoodSad   Mood = "sad"
)

var moods = []Mood{MoodHappy, MoodSad}

// EnumValues lists the moods, on the pointer by mistake.
func (*Mood) EnumValues() []string { return socialrx.EnumStrings(moods) }
