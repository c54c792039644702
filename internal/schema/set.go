package schema

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Published is one JSON Schema a package publishes: its committed JSON and
// the check of documents against it (the schema and, for domain aggregates,
// the rules the schema cannot express).
type Published struct {
	// JSON is the committed schema document, as embedded in the binary.
	JSON []byte
	// Validate checks one document; it must not be nil. It returns nil or
	// a CodeInvalid error naming every failing JSON pointer, the schema's
	// and the rules' side by side (see [Check]).
	Validate func(doc []byte) error
	// ValidateAt, when set, is Validate as of now, for a document with
	// rules about the present (a date of birth not in the future …);
	// [Set.ValidateAt] runs it rather than Validate.
	ValidateAt func(doc []byte, now time.Time) error
}

// Set is a package's published schemas by name ("referral", "plan" …).
type Set map[string]Published

// Schemas returns copies of the schemas by name.
func (s Set) Schemas() map[string][]byte {
	out := make(map[string][]byte, len(s))
	for name, p := range s {
		out[name] = bytes.Clone(p.JSON)
	}
	return out
}

// Validate checks doc against the named schema, without the rules about
// the present (see [Set.ValidateAt]). Codes: not_found (no such schema;
// the message lists the known names), invalid (every failing pointer).
func (s Set) Validate(name string, doc []byte) error { return s.ValidateAt(name, doc, time.Time{}) }

// ValidateAt checks doc against the named schema as of now: a zero now
// skips the rules about the present. Codes: not_found, invalid.
func (s Set) ValidateAt(name string, doc []byte, now time.Time) error {
	p, ok := s[name]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q; known: %s",
			name, strings.Join(slices.Sorted(maps.Keys(s)), ", "))
	}
	if p.ValidateAt != nil {
		return p.ValidateAt(doc, now)
	}
	return p.Validate(doc)
}
