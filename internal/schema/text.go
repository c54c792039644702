package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	sj "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/socialrx/socialrx"
)

// The rules [Validator.Validate] applies to every document, whatever its
// schema, before the schema's own.
const (
	ruleUTF8      = "must be valid UTF-8"
	ruleNUL       = "must not contain the character NUL (U+0000)"
	ruleSurrogate = `must not contain a lone UTF-16 surrogate (an escape such as \ud800 without its pair)`
	ruleKey       = "the member's name "
	ruleNumber    = "is a number out of range: too large, or too small to tell from 0, for a double-precision (IEEE 754) number"
)

// maxDepth is the deepest nesting of arrays and objects read, as in
// encoding/json.
const maxDepth = 10000

// Parse decodes a JSON document for [Validator.ValidateValue], refusing at
// the JSON pointer of the value what no document may hold (see the package
// doc): text that is not UTF-8, NUL, lone surrogates, numbers no float64
// holds. Malformed JSON is reported at "". Codes: invalid.
func Parse(doc []byte) (any, error) {
	inst, fields, _ := parse(doc)
	if len(fields) > 0 {
		return nil, socialrx.Invalid(fields...)
	}
	return inst, nil
}

// parse returns the decoded document and ok, when it decodes, and the
// problems of its text. Numbers no double holds are left out of the
// document (as [Drop] leaves values out), so that what remains can be
// compared safely. (JSON null decodes to a nil inst with ok set.)
func parse(doc []byte) (inst any, fields []socialrx.FieldError, ok bool) {
	sc := scanner{b: doc}
	sc.document()
	if sc.broken {
		return nil, []socialrx.FieldError{malformed(doc)}, false
	}
	if sc.rawNUL {
		// encoding/json refuses a raw control character; the pointers say
		// where the NULs are, which is the whole of the problem.
		return nil, sc.fields, false
	}
	inst, err := sj.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, []socialrx.FieldError{socialrx.Field("", "malformed JSON: %v", err)}, false
	}
	if sc.badNumber {
		// The validator would compare such numbers as big rationals: an
		// overflow panics it and a tiny one takes it long. They are left
		// out, so that the schema still checks all the rest.
		for _, f := range sc.fields {
			if f.Rule == ruleNumber {
				inst = Drop(inst, f.Path)
			}
		}
	}
	return inst, sc.fields, true
}

// malformed reports why doc is not JSON, at "".
func malformed(doc []byte) socialrx.FieldError {
	_, err := sj.UnmarshalJSON(bytes.NewReader(doc))
	if err == nil {
		err = errors.New("nesting too deep")
	}
	return socialrx.Field("", "malformed JSON: %v", err)
}

// scanner reads a JSON document's text once, noting the problems its
// decoding would hide (invalid UTF-8 and lone surrogates become U+FFFD)
// or mishandle (NUL, numbers out of float64's range) at their pointers.
type scanner struct {
	b      []byte
	i      int
	fields []socialrx.FieldError
	// broken is set on the first syntax error: the decoder reports it.
	broken bool
	// rawNUL is set when a string holds a NUL byte unescaped.
	rawNUL bool
	// badNumber is set when a number is out of float64's range.
	badNumber bool
	// spans, when not nil, receives every value's pointer and extent.
	spans func(ptr string, start, end int)
	// lastWasLoneSurrogate is set when the last escape read was a
	// surrogate without its pair.
	lastWasLoneSurrogate bool
}

func (s *scanner) add(ptr, rule string) {
	s.fields = append(s.fields, socialrx.Field(ptr, "%s", rule))
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// document reads one value and nothing after it but white space.
func (s *scanner) document() {
	s.value("", 0)
	s.ws()
	if s.i != len(s.b) {
		s.broken = true
	}
}

func (s *scanner) value(ptr string, depth int) {
	s.ws()
	if s.broken || s.i >= len(s.b) || depth > maxDepth {
		s.broken = true
		return
	}
	start := s.i
	switch c := s.b[s.i]; {
	case c == '{':
		s.object(ptr, depth+1)
	case c == '[':
		s.array(ptr, depth+1)
	case c == '"':
		_, problems := s.str()
		for _, p := range problems {
			s.add(ptr, p)
		}
	case c == '-' || '0' <= c && c <= '9':
		s.number(ptr)
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	default:
		s.broken = true
	}
	if s.spans != nil && !s.broken {
		s.spans(ptr, start, s.i)
	}
}

func (s *scanner) literal(word string) {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		s.broken = true
		return
	}
	s.i += len(word)
}

func (s *scanner) object(ptr string, depth int) {
	s.i++ // {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return
	}
	seen := map[string]bool{}
	for !s.broken {
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			s.broken = true
			return
		}
		key, problems := s.str()
		member := ptr + "/" + escape(key)
		for _, p := range problems {
			s.add(member, ruleKey+p)
		}
		if seen[key] {
			// Parsers disagree on which of two members of one name counts;
			// a document that means two things is refused.
			s.add(member, "the member's name appears twice in its object")
		}
		seen[key] = true
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			s.broken = true
			return
		}
		s.i++
		s.value(member, depth)
		s.ws()
		switch {
		case s.i < len(s.b) && s.b[s.i] == ',':
			s.i++
		case s.i < len(s.b) && s.b[s.i] == '}':
			s.i++
			return
		default:
			s.broken = true
		}
	}
}

func (s *scanner) array(ptr string, depth int) {
	s.i++ // [
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return
	}
	for n := 0; !s.broken; n++ {
		s.value(ptr+"/"+strconv.Itoa(n), depth)
		s.ws()
		switch {
		case s.i < len(s.b) && s.b[s.i] == ',':
			s.i++
		case s.i < len(s.b) && s.b[s.i] == ']':
			s.i++
			return
		default:
			s.broken = true
		}
	}
}

// str reads a string and returns it decoded as encoding/json decodes it
// (each invalid byte and lone surrogate becomes U+FFFD), with its problems.
func (s *scanner) str() (string, []string) {
	s.i++ // "
	var out strings.Builder
	var problems []string
	note := func(p string) {
		for _, q := range problems {
			if q == p {
				return
			}
		}
		problems = append(problems, p)
	}
	for {
		if s.i >= len(s.b) {
			s.broken = true
			return "", nil
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return out.String(), problems
		case c == '\\':
			r, ok := s.escape()
			if !ok {
				s.broken = true
				return "", nil
			}
			switch {
			case r == 0:
				note(ruleNUL)
			case r == utf8.RuneError && s.lastWasLoneSurrogate:
				note(ruleSurrogate)
			}
			out.WriteRune(r)
		case c == 0:
			s.rawNUL = true
			note(ruleNUL)
			out.WriteByte(0)
			s.i++
		case c < 0x20:
			s.broken = true
			return "", nil
		case c < utf8.RuneSelf:
			out.WriteByte(c)
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				note(ruleUTF8)
			}
			out.WriteRune(r)
			s.i += size
		}
	}
}

// escape reads one escape sequence (a surrogate pair counts as one) and
// returns the rune encoding/json decodes it to.
func (s *scanner) escape() (rune, bool) {
	s.lastWasLoneSurrogate = false
	if s.i+1 >= len(s.b) {
		return 0, false
	}
	c := s.b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'u':
	default:
		return 0, false
	}
	r, ok := hex4(s.b[s.i:])
	if !ok {
		return 0, false
	}
	s.i += 4
	if !utf16.IsSurrogate(r) {
		return r, true
	}
	if len(s.b) >= s.i+6 && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
		if r2, ok := hex4(s.b[s.i+2:]); ok {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				s.i += 6
				return dec, true
			}
		}
	}
	s.lastWasLoneSurrogate = true
	return utf8.RuneError, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// number reads a number (JSON's grammar) and checks float64 holds it.
func (s *scanner) number(ptr string) {
	start := s.i
	digits := func() int {
		n := 0
		for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case digits() == 0:
		s.broken = true
		return
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			s.broken = true
			return
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			s.broken = true
			return
		}
	}
	if !representable(string(s.b[start:s.i])) {
		s.badNumber = true
		s.add(ptr, ruleNumber)
	}
}

// representable reports whether the JSON number n is a finite float64 and,
// unless it is written as zero, not one that rounds to zero.
func representable(n string) bool {
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return false
	}
	if f != 0 {
		return true
	}
	mantissa, _, _ := strings.Cut(strings.ToLower(n), "e")
	return strings.Trim(mantissa, "-0.") == ""
}

// valueProblems walks a decoded document (from sj.UnmarshalJSON or
// encoding/json with UseNumber, or built in Go) for what [Validator.Validate]
// refuses in any document. It reports whether a number is out of range.
func valueProblems(v any, ptr string, out []socialrx.FieldError) ([]socialrx.FieldError, bool) {
	bad := false
	text := func(ptr, prefix, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			out = append(out, socialrx.Field(ptr, "%s", prefix+ruleNUL))
		}
		if !utf8.ValidString(s) {
			out = append(out, socialrx.Field(ptr, "%s", prefix+ruleUTF8))
		}
	}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch v := v.(type) {
		case string:
			text(ptr, "", v)
		case json.Number:
			if !representable(string(v)) {
				bad = true
				out = append(out, socialrx.Field(ptr, "%s", ruleNumber))
			}
		case float64:
			if math.IsInf(v, 0) || math.IsNaN(v) {
				bad = true
				out = append(out, socialrx.Field(ptr, "%s", ruleNumber))
			}
		case float32:
			walk(float64(v), ptr)
		case map[string]any:
			for k, x := range v {
				member := ptr + "/" + escape(k)
				text(member, ruleKey, k)
				walk(x, member)
			}
		case []any:
			for i, x := range v {
				walk(x, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(v, ptr)
	return out, bad
}

// merge returns the field errors of both lists, each once, sorted by path.
func merge(a, b []socialrx.FieldError) []socialrx.FieldError {
	seen := map[socialrx.FieldError]bool{}
	var out []socialrx.FieldError
	for _, f := range append(append([]socialrx.FieldError(nil), a...), b...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// DecodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data, as the published schemas do. Whole numbers written with a
// fraction or an exponent (10.0, 1e1) decode into integer fields, as JSON
// Schema's "integer" reads them (see [WholeNumbers]). Its error is
// CodeInvalid and names, where it can, the JSON pointer of the value that
// does not fit v (such as 2.5 for an integer field).
func DecodeStrict(b []byte, v any) error {
	b = WholeNumbers(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return socialrx.Invalid(TypeField(b, err))
	}
	return socialrx.Invalid(socialrx.Field("", "cannot decode: %s", strings.TrimPrefix(err.Error(), "json: ")))
}

// typeRule says in words what a value that does not fit its Go type must
// be, naming JSON's types rather than Go's.
func typeRule(te *json.UnmarshalTypeError) string {
	if te.Type == nil {
		return "cannot be read as given (got " + te.Value + ")"
	}
	switch te.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("must be a whole number within range (got %s)", te.Value)
	case reflect.Float32, reflect.Float64:
		return fmt.Sprintf("must be a number within range (got %s)", te.Value)
	case reflect.String:
		return fmt.Sprintf("must be a string (got %s)", te.Value)
	case reflect.Bool:
		return fmt.Sprintf("must be true or false (got %s)", te.Value)
	case reflect.Slice, reflect.Array:
		return fmt.Sprintf("must be an array (got %s)", te.Value)
	case reflect.Struct, reflect.Map:
		return fmt.Sprintf("must be an object (got %s)", te.Value)
	}
	return fmt.Sprintf("cannot be read as given (got %s)", te.Value)
}

// PointerAt returns the JSON pointer of the innermost value of doc that
// ends at offset, as the Offset of a json.UnmarshalTypeError tells it, or
// else that contains it; "" when there is none.
func PointerAt(doc []byte, offset int64) string {
	best, bestContains := "", ""
	found := false
	sc := scanner{b: doc, spans: func(ptr string, start, end int) {
		switch {
		case int64(end) == offset && !found:
			best, found = ptr, true // the innermost value ends first
		case int64(start) < offset && offset <= int64(end) && len(ptr) > len(bestContains):
			bestContains = ptr
		}
	}}
	sc.document()
	if found {
		return best
	}
	return bestContains
}
