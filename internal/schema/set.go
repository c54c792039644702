package schema

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/socialrx/socialrx"
)

// Published is one JSON Schema a package publishes: its committed JSON and
// the check of documents against it (the schema and, for domain aggregates,
// the rules the schema cannot express).
type Published struct {
	// JSON is the committed schema document, as embedded in the binary.
	JSON []byte
	// Validate checks one document; it must not be nil. It returns nil or a
	// CodeInvalid error naming every failing JSON pointer.
	Validate func(doc []byte) error
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

// Validate checks doc against the named schema. Codes: not_found (no such
// schema; the message lists the known names), invalid (every failing pointer).
func (s Set) Validate(name string, doc []byte) error {
	p, ok := s[name]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q; known: %s",
			name, strings.Join(slices.Sorted(maps.Keys(s)), ", "))
	}
	return p.Validate(doc)
}
