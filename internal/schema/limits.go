package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp/syntax"
	"slices"
	"strconv"

	"github.com/invopop/jsonschema"
)

// The limits the reflector gives a value that its Go type and tags leave
// unbounded (see the package doc). A field whose limit matters says so in
// its `jsonschema` tag, and a list a method appends to takes its maxItems
// from the constant that method enforces (see [MaxItems]).
const (
	// DefaultMaxLength bounds a string: a line or a short paragraph.
	DefaultMaxLength = 1000
	// MaxEmailLength bounds a string of format "email" (RFC 5321's 254).
	MaxEmailLength = 254
	// MaxURILength bounds a string of format "uri" or "uri-reference".
	MaxURILength = 2048
	// DefaultMaxItems bounds an array.
	DefaultMaxItems = 100
	// DefaultMaxProperties bounds an object that takes properties it
	// does not name (a map).
	DefaultMaxProperties = 100
	// MaxSafeInteger, 2⁵³−1, bounds a number either way: every JSON
	// parser holds the integers up to it exactly (RFC 7493 I-JSON).
	MaxSafeInteger = 1<<53 - 1
)

// boundedFormats are the string formats whose values have a bounded length.
var boundedFormats = map[string]bool{"date": true, "date-time": true, "time": true, "uuid": true}

// formatMaxLength is the default maxLength of a string of a format whose
// values have no bound of their own.
var formatMaxLength = map[string]uint64{
	"email":         MaxEmailLength,
	"idn-email":     MaxEmailLength,
	"uri":           MaxURILength,
	"uri-reference": MaxURILength,
	"iri":           MaxURILength,
	"iri-reference": MaxURILength,
}

// Limit gives every string, array, number and map schema in s (its
// properties, items, definitions … all the way down) the default bound it
// lacks: a maxLength, a maxItems, a minimum and a maximum, a maxProperties.
// A bound already set is kept; a string held by an enum, a const, a
// length-bounded format or an anchored pattern of bounded length needs none.
// [Reflect] applies it; use it on schemas reflected otherwise.
func Limit(s *jsonschema.Schema) {
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || s == jsonschema.TrueSchema || s == jsonschema.FalseSchema || seen[s] {
			return
		}
		seen[s] = true
		limitOne(s)
		for _, name := range sortedKeys(s.Definitions) {
			walk(s.Definitions[name])
		}
		if s.Properties != nil {
			for p := s.Properties.Oldest(); p != nil; p = p.Next() {
				walk(p.Value)
			}
		}
		for _, name := range sortedKeys(s.PatternProperties) {
			walk(s.PatternProperties[name])
		}
		for _, name := range sortedKeys(s.DependentSchemas) {
			walk(s.DependentSchemas[name])
		}
		for _, list := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, sub := range list {
				walk(sub)
			}
		}
		for _, sub := range []*jsonschema.Schema{s.Not, s.If, s.Then, s.Else, s.Items, s.Contains,
			s.AdditionalProperties, s.PropertyNames, s.ContentSchema} {
			walk(sub)
		}
	}
	walk(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// limitOne sets the defaults one schema lacks.
func limitOne(s *jsonschema.Schema) {
	if len(s.Enum) > 0 || s.Const != nil {
		return
	}
	switch s.Type {
	case "string":
		if s.MaxLength == nil && !boundedFormats[s.Format] && !patternBounded(s.Pattern) {
			n := uint64(DefaultMaxLength)
			if m, ok := formatMaxLength[s.Format]; ok {
				n = m
			}
			s.MaxLength = &n
		}
	case "array":
		if s.MaxItems == nil {
			n := uint64(DefaultMaxItems)
			s.MaxItems = &n
		}
	case "integer", "number":
		if s.Minimum == "" && s.ExclusiveMinimum == "" {
			s.Minimum = json.Number(strconv.Itoa(-MaxSafeInteger))
		}
		if s.Maximum == "" && s.ExclusiveMaximum == "" {
			s.Maximum = json.Number(strconv.Itoa(MaxSafeInteger))
		}
	case "object":
		// Without additionalProperties false an object takes any property.
		open := s.AdditionalProperties != jsonschema.FalseSchema || len(s.PatternProperties) > 0
		if open && s.MaxProperties == nil {
			n := uint64(DefaultMaxProperties)
			s.MaxProperties = &n
		}
	}
}

// MaxItems sets the maxItems of the named array properties of a struct's
// schema, for a type's JSONSchemaExtend method: a list that a method
// appends to takes its bound from the constant the method enforces, so the
// two cannot differ. It panics on a name that is not an array property.
func MaxItems(s *jsonschema.Schema, limits map[string]int) {
	for _, name := range sortedKeys(limits) {
		p, ok := s.Properties.Get(name)
		if !ok || p.Type != "array" || limits[name] < 0 {
			panic(fmt.Sprintf("schema: MaxItems: %q is not an array property", name))
		}
		n := uint64(limits[name])
		p.MaxItems = &n
	}
}

// PatternMaxLength returns the longest string, in characters, an anchored
// regular expression (^…$) can match, and false when it can match strings
// of any length (or it is not anchored at both ends, or does not parse).
func PatternMaxLength(pattern string) (int, bool) {
	if pattern == "" {
		return 0, false
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, false
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return 0, false
	}
	n := maxLen(re)
	return n, n >= 0
}

func patternBounded(pattern string) bool {
	_, ok := PatternMaxLength(pattern)
	return ok
}

// maxLen returns the most characters re matches, or -1 for no bound.
func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return 1
	case syntax.OpCapture:
		return maxLen(re.Sub[0])
	case syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if maxLen(re.Sub[0]) == 0 {
			return 0
		}
		return -1
	case syntax.OpRepeat:
		sub := maxLen(re.Sub[0])
		switch {
		case sub == 0:
			return 0
		case sub < 0 || re.Max < 0:
			return -1
		}
		return sub * re.Max
	case syntax.OpConcat:
		total := 0
		for _, sub := range re.Sub {
			n := maxLen(sub)
			if n < 0 {
				return -1
			}
			total += n
		}
		return total
	case syntax.OpAlternate:
		most := 0
		for _, sub := range re.Sub {
			n := maxLen(sub)
			if n < 0 {
				return -1
			}
			most = max(most, n)
		}
		return most
	}
	return -1
}

// Unbounded returns, for a schema document (JSON), the JSON pointer of
// every subschema that admits values of any size, with what it lacks: a
// string without maxLength (nor an enum, a const, a length-bounded format
// or an anchored pattern of bounded length), an array without maxItems, an
// integer or number without both a minimum and a maximum, an object that
// takes unnamed properties without maxProperties, and a subschema that
// admits any value at all (no type, $ref, enum, const or combinator). A
// published schema should have none. It returns an error only for a
// document that is not JSON.
func Unbounded(schemaJSON []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(schemaJSON))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var out []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		s, ok := v.(map[string]any)
		if !ok {
			if b, isBool := v.(bool); isBool && b {
				out = append(out, ptr+": admits any value (the schema true)")
			}
			return
		}
		out = append(out, unboundedHere(s, ptr)...)
		for _, kw := range []string{"$defs", "definitions", "properties", "patternProperties", "dependentSchemas"} {
			if m, ok := s[kw].(map[string]any); ok {
				for _, name := range sortedKeys(m) {
					walk(m[name], ptr+"/"+kw+"/"+escape(name))
				}
			}
		}
		for _, kw := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
			if list, ok := s[kw].([]any); ok {
				for i, sub := range list {
					walk(sub, ptr+"/"+kw+"/"+strconv.Itoa(i))
				}
			}
		}
		for _, kw := range []string{"not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"} {
			if sub, ok := s[kw]; ok {
				if kw == "not" {
					continue // a negation admits what it names; it bounds nothing
				}
				walk(sub, ptr+"/"+kw)
			}
		}
	}
	walk(doc, "")
	return out, nil
}

// unboundedHere lists what one subschema lacks.
func unboundedHere(s map[string]any, ptr string) []string {
	if _, ok := s["enum"]; ok {
		return nil
	}
	if _, ok := s["const"]; ok {
		return nil
	}
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if x, ok := x.(string); ok {
				types = append(types, x)
			}
		}
	}
	if len(types) == 0 {
		for _, kw := range []string{"$ref", "$dynamicRef", "allOf", "anyOf", "oneOf"} {
			if _, ok := s[kw]; ok {
				return nil
			}
		}
		return []string{ptr + ": admits any value (no type)"}
	}
	var out []string
	has := func(kw string) bool { _, ok := s[kw]; return ok }
	for _, t := range types {
		switch t {
		case "string":
			format, _ := s["format"].(string)
			pattern, _ := s["pattern"].(string)
			if !has("maxLength") && !boundedFormats[format] && !patternBounded(pattern) {
				out = append(out, ptr+": a string without maxLength")
			}
		case "array":
			if !has("maxItems") {
				out = append(out, ptr+": an array without maxItems")
			}
		case "integer", "number":
			a := map[string]string{"integer": "an ", "number": "a "}[t]
			if !finiteBound(s, "minimum", "exclusiveMinimum") {
				out = append(out, ptr+": "+a+t+" without minimum")
			}
			if !finiteBound(s, "maximum", "exclusiveMaximum") {
				out = append(out, ptr+": "+a+t+" without maximum")
			}
		case "object":
			// Without additionalProperties (or unevaluatedProperties)
			// false an object takes any property.
			open := has("patternProperties") || s["additionalProperties"] != false && s["unevaluatedProperties"] != false
			if open && !has("maxProperties") {
				out = append(out, ptr+": an object that takes unnamed properties without maxProperties")
			}
		}
	}
	return out
}

// finiteBound reports whether s has either keyword with a finite number.
func finiteBound(s map[string]any, kws ...string) bool {
	for _, kw := range kws {
		if n, ok := s[kw].(json.Number); ok {
			if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) {
				return true
			}
		}
	}
	return false
}
