// Package schema reflects JSON Schemas (2020-12) from Go types and validates
// documents against them, reporting every failing JSON pointer with the rule
// it breaks as a [socialrx.Error].
//
// Conventions the reflector applies to every socialrx type:
//   - a type with a method EnumValues() []string becomes a string enum;
//   - [socialrx.Date] is a string with format "date", time.Time "date-time",
//     uuid.UUID "uuid";
//   - objects forbid unknown properties; fields without omitempty/omitzero
//     are required;
//   - descriptions come from doc comments when the module's source is at
//     hand (it is when tests regenerate the committed schema files);
//   - every value has a bounded size, so that no request can make the
//     service keep more than it means to (see below).
//
// # Limits
//
// Every string, array, number and map of a published schema is bounded.
// Where a limit matters, the field says so in its tag
// (`jsonschema:"maxLength=200"`); a list that a method appends to takes its
// maxItems from the constant the method enforces, through a
// JSONSchemaExtend method that calls [MaxItems]. [Limit], which [Reflect]
// applies, gives the rest these defaults:
//
//	string                      maxLength 1000      DefaultMaxLength
//	string, format email        maxLength 254       MaxEmailLength
//	string, format uri          maxLength 2048      MaxURILength
//	array                       maxItems 100        DefaultMaxItems
//	integer, number             ±(2⁵³−1)            MaxSafeInteger
//	object taking unnamed keys  maxProperties 100   DefaultMaxProperties
//
// A string needs no maxLength when an enum or a const holds it, when its
// format has values of bounded length (date, date-time, time, uuid), or
// when its pattern is anchored (^…$) and matches strings of bounded length
// only ([PatternMaxLength]). [Unbounded] finds what a schema leaves
// unbounded; the host's tests run it on every published schema.
//
// The sizes the socialrx types choose, by what a field holds:
//
//	an id that is not a UUID, a "by"       128
//	a person's or organisation's name      200
//	a free-text note, a reason, feedback   4000
//	a directory description                10000
//
// # Text
//
// [Validator.Validate] refuses, at the JSON pointer of the value, what no
// document may hold whatever its schema says: text that is not valid
// UTF-8 (nor a lone UTF-16 surrogate escape), the character NUL (U+0000,
// escaped or raw), and a number no float64 holds (1e400 overflows; 1e-400
// would silently become 0); the schema checks the rest of the document
// without such a number, so that it hides no other error.
//
// # One check
//
// [Check] is how a package validates a document that has a Go type: the
// schema, then the package's own rules on what decodes, every failing
// pointer of both reported together (a rule's finding at, under or above
// a pointer the schema named is left out as its consequence). Whole
// numbers written with a fraction or exponent (10.0, 1e1) are integers,
// as JSON Schema reads them, for the validator and the decoder alike
// ([WholeNumbers], [DecodeStrict]).
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/invopop/jsonschema"
	sj "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/socialrx/socialrx"
)

// ModulePath is the import path of the socialrx module.
const ModulePath = "github.com/socialrx/socialrx"

// BaseID is the URI prefix of every published schema's $id. Its last
// segment is the version of the contract: a change that refuses documents
// an earlier schema accepted gets a new one (v2), so that a vendor's
// pinned $id never changes meaning.
const BaseID = "https://github.com/socialrx/socialrx/schemas/v1/"

type enumer interface{ EnumValues() []string }

var (
	enumerType = reflect.TypeOf((*enumer)(nil)).Elem()
	dateType   = reflect.TypeOf(socialrx.Date{})
	timeType   = reflect.TypeOf(time.Time{})
	uuidType   = reflect.TypeOf(uuid.UUID{})
	rawType    = reflect.TypeOf(json.RawMessage{})
)

var (
	commentsOnce sync.Once
	comments     map[string]string
)

// goComments reads the doc comments of the module's source, found by
// walking up from the working directory to go.mod. Without source (an
// installed binary) it returns an empty map.
func goComments() map[string]string {
	commentsOnce.Do(func() {
		comments = map[string]string{}
		wd, err := os.Getwd()
		if err != nil {
			return
		}
		root, rel := wd, "."
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				return
			}
			rel = filepath.Join(rel, "..")
			root = parent
		}
		sub, _ := filepath.Rel(root, wd)
		r := &jsonschema.Reflector{CommentMap: comments}
		// AddGoComments keys by base joined with each file's directory
		// relative to the working directory; base "module/sub" and path
		// "../.." clean to "module/<dir>".
		_ = r.AddGoComments(ModulePath+"/"+filepath.ToSlash(sub), rel)
	})
	return comments
}

// Reflector returns the reflector with the socialrx conventions. The
// default limits are not its work: [Reflect] applies them with [Limit],
// and so must any other user of what it reflects.
func Reflector() *jsonschema.Reflector {
	cm := goComments()
	r := &jsonschema.Reflector{ExpandedStruct: true, CommentMap: cm}
	r.Mapper = func(t reflect.Type) *jsonschema.Schema {
		desc := cm[t.PkgPath()+"."+t.Name()]
		switch {
		case t == dateType:
			return &jsonschema.Schema{Type: "string", Format: "date", Description: "A calendar date, YYYY-MM-DD."}
		case t == timeType:
			return &jsonschema.Schema{Type: "string", Format: "date-time", Description: "An RFC 3339 timestamp."}
		case t == uuidType:
			return &jsonschema.Schema{Type: "string", Format: "uuid"}
		case t == rawType:
			return &jsonschema.Schema{}
		case t.Kind() == reflect.String && t.Implements(enumerType):
			vals := reflect.Zero(t).Interface().(enumer).EnumValues()
			s := &jsonschema.Schema{Type: "string", Description: desc}
			for _, v := range vals {
				s.Enum = append(s.Enum, v)
			}
			return s
		}
		return nil
	}
	return r
}

// Reflect returns the schema of v's type as indented JSON, with $id
// BaseID+name+".schema.json" and the default limits (see [Limit]).
func Reflect(name string, v any) ([]byte, error) {
	r := Reflector()
	s := r.Reflect(v)
	Limit(s)
	// The root type is expanded in place, not kept under $defs; a type that
	// refers to itself would leave a dangling "#/$defs/<Root>", so the root
	// gets a definition that points back to the document.
	if root := reflect.TypeOf(v).Name(); root != "" && s.Definitions[root] == nil {
		if b, err := json.Marshal(s); err == nil && bytes.Contains(b, []byte(`"#/$defs/`+root+`"`)) {
			if s.Definitions == nil {
				s.Definitions = jsonschema.Definitions{}
			}
			s.Definitions[root] = &jsonschema.Schema{Ref: "#"}
		}
	}
	s.ID = jsonschema.ID(BaseID + name + ".schema.json")
	if s.Title == "" {
		s.Title = name
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Validator validates documents against one compiled schema.
type Validator struct {
	schema *sj.Schema
}

// Compile compiles a schema document (JSON). url names it in errors and
// references; documents without $schema are read as draft 2020-12. Formats
// (date, date-time, email, uri, uuid …) are asserted.
func Compile(url string, schemaJSON []byte) (*Validator, error) {
	doc, err := sj.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	c := sj.NewCompiler()
	c.DefaultDraft(sj.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	return &Validator{schema: s}, nil
}

// MustCompile is Compile for schemas embedded in the binary; it panics on error.
func MustCompile(url string, schemaJSON []byte) *Validator {
	v, err := Compile(url, schemaJSON)
	if err != nil {
		panic(err)
	}
	return v
}

// Validate checks one JSON document. It returns nil, or a CodeInvalid
// [socialrx.Error] whose Fields hold every failing JSON pointer and rule:
// first what no document may hold whatever its schema says (text that is
// not UTF-8, NUL, lone surrogates, numbers no float64 holds; see the
// package doc), then what the schema refuses. Malformed JSON is reported
// at pointer "".
func (v *Validator) Validate(doc []byte) error {
	inst, fields, ok := parse(doc)
	if !ok {
		return socialrx.Invalid(fields...)
	}
	return v.validate(inst, fields)
}

// ValidateValue checks a decoded document (as from [Parse],
// sj.UnmarshalJSON or encoding/json with UseNumber), refusing NUL, text
// that is not UTF-8 and numbers no float64 holds as [Validator.Validate] does.
func (v *Validator) ValidateValue(inst any) error {
	return v.validate(inst, nil)
}

// validate adds the problems of inst and its schema's to fields. A value
// with a problem of its text (a number out of range) is reported for that
// alone, not again for what the schema then finds missing at its pointer.
func (v *Validator) validate(inst any, fields []socialrx.FieldError) error {
	fields, badNumber := valueProblems(inst, "", fields)
	if badNumber {
		// The schema's numeric keywords cannot be checked on such numbers.
		return socialrx.Invalid(merge(fields, nil)...)
	}
	err := v.schema.Validate(inst)
	if err == nil {
		return socialrx.Invalid(merge(fields, nil)...)
	}
	var ve *sj.ValidationError
	if !errors.As(err, &ve) {
		return socialrx.Invalid(merge(fields, []socialrx.FieldError{socialrx.Field("", "%v", err)})...)
	}
	text := map[string]bool{}
	for _, f := range fields {
		text[f.Path] = true
	}
	var more []socialrx.FieldError
	for _, f := range Fields(ve) {
		if !text[f.Path] {
			more = append(more, f)
		}
	}
	return socialrx.Invalid(merge(fields, more)...)
}

var printer = message.NewPrinter(language.English)

// Fields flattens a validation error tree to one field error per failing
// pointer and rule (a missing or unknown property is named at its own
// pointer), de-duplicated and sorted.
func Fields(ve *sj.ValidationError) []socialrx.FieldError {
	seen := map[socialrx.FieldError]bool{}
	var out []socialrx.FieldError
	add := func(f socialrx.FieldError) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	var walk func(e *sj.ValidationError)
	walk = func(e *sj.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		loc := Pointer(e.InstanceLocation)
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				add(socialrx.Field(loc+"/"+escape(m), "required"))
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				add(socialrx.Field(loc+"/"+escape(p), "unknown field"))
			}
		default:
			add(socialrx.Field(loc, e.ErrorKind.LocalizedString(printer)))
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Pointer joins tokens into a JSON pointer (RFC 6901).
func Pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
