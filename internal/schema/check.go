package schema

import (
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
)

// Check is the one validation of a document that has a Go type: it checks
// doc against v (and the rules every document obeys, see the package doc),
// decodes it into a T and runs check on it, returning every failing JSON
// pointer at once, the schema's and the check's side by side. The check
// sees the values as given where they fit T, and the document without the
// values the schema refused where they do not, so that it sees all the
// rest; a check's finding at, under or above a pointer the schema already
// named is left out as a consequence of it.
//
// Whole numbers written with a fraction or an exponent (10.0, 1e1) decode
// into integer fields, as JSON Schema's "integer" reads them. check may be
// nil. Codes: invalid.
func Check[T any](doc []byte, v *Validator, check func(*T) error) (T, error) {
	var zero T
	inst, fields, ok := parse(doc)
	if !ok {
		return zero, socialrx.Invalid(fields...)
	}
	fields = socialrx.ErrorFields(v.validate(inst, fields))
	for _, f := range fields {
		if f.Path == "" {
			return zero, socialrx.Invalid(fields...)
		}
	}
	// The check reads the values as given where they fit the Go type (so
	// that its words name them); where they do not, without the values the
	// schema refused.
	var out T
	if err := json.Unmarshal(WholeNumbers(doc), &out); err != nil {
		if len(fields) == 0 {
			return zero, socialrx.Invalid(TypeField(doc, err))
		}
		for _, f := range fields {
			inst = Drop(inst, f.Path)
		}
		b, err := json.Marshal(inst)
		if err != nil {
			return zero, socialrx.Errorf(socialrx.CodeInternal, "re-encode: %w", err)
		}
		out = zero
		if json.Unmarshal(WholeNumbers(b), &out) != nil {
			return zero, socialrx.Invalid(fields...)
		}
	}
	if check != nil {
		fields = MergeChecks(fields, socialrx.ErrorFields(check(&out)))
	}
	if len(fields) > 0 {
		return zero, socialrx.Invalid(fields...)
	}
	return out, nil
}

// MergeChecks adds a Go check's findings to the schema's: each at a pointer
// the schema did not name, nor under or above one it named (those follow
// from what the schema refused). The result is sorted by pointer.
func MergeChecks(schemaFields, checkFields []socialrx.FieldError) []socialrx.FieldError {
	related := func(p string) bool {
		for _, f := range schemaFields {
			q := f.Path
			if p == q || strings.HasPrefix(p, q+"/") || strings.HasPrefix(q, p+"/") {
				return true
			}
		}
		return false
	}
	var more []socialrx.FieldError
	for _, f := range checkFields {
		if !related(f.Path) {
			more = append(more, f)
		}
	}
	return merge(schemaFields, more)
}

// Drop removes the value at a JSON pointer from a decoded document: an
// object member is deleted, an array element becomes null. A pointer that
// names nothing leaves the document as it is.
func Drop(doc any, pointer string) any {
	if pointer == "" {
		return doc
	}
	tokens := strings.Split(pointer[1:], "/")
	cur := doc
	for i, tok := range tokens {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		last := i == len(tokens)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				delete(c, tok)
				return doc
			}
			cur = c[tok]
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(c) {
				return doc
			}
			if last {
				c[n] = nil
				return doc
			}
			cur = c[n]
		default:
			return doc
		}
	}
	return doc
}

// TypeField turns an encoding/json decoding error of doc into a field
// error at the pointer of the value that does not fit, with its rule in
// words (never a Go type's name).
func TypeField(doc []byte, err error) socialrx.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return socialrx.Field(PointerAt(doc, te.Offset), "%s", typeRule(te))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return socialrx.Field("", "malformed JSON at byte %d", se.Offset)
	}
	return socialrx.Field("", "cannot be read: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// WholeNumbers rewrites each number of doc that is whole but written with
// a fraction or an exponent (10.0, 1e1, 2.50e2) as the integer it is, so
// that it decodes into an integer field as JSON Schema's "integer" reads
// it. Other numbers, and malformed documents, are left as they are; so is
// a whole number beyond the range of int64, which no integer field holds.
func WholeNumbers(doc []byte) []byte {
	type edit struct {
		start, end int
		with       string
	}
	var edits []edit
	sc := scanner{b: doc, spans: func(_ string, start, end int) {
		if c := doc[start]; c != '-' && (c < '0' || c > '9') {
			return
		}
		if with, ok := wholeLiteral(string(doc[start:end])); ok {
			edits = append(edits, edit{start, end, with})
		}
	}}
	sc.document()
	if sc.broken || len(edits) == 0 {
		return doc
	}
	out := make([]byte, 0, len(doc))
	last := 0
	for _, e := range edits {
		out = append(append(out, doc[last:e.start]...), e.with...)
		last = e.end
	}
	return append(out, doc[last:]...)
}

// wholeLiteral returns the integer literal a JSON number with a fraction
// or exponent stands for, when it is whole and int64 holds it.
func wholeLiteral(lit string) (string, bool) {
	if !strings.ContainsAny(lit, ".eE") {
		return "", false
	}
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		// Keep big.Rat from building huge powers of ten; int64 needs
		// fewer than 20 digits however the mantissa is written.
		exp, err := strconv.Atoi(strings.TrimPrefix(lit[i+1:], "+"))
		if err != nil || exp > 400 || exp < -400 {
			return "", false
		}
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return "", false
	}
	if r.Sign() == 0 && lit[0] == '-' {
		return "-0", true // a float field keeps its negative zero
	}
	return r.Num().String(), true
}
