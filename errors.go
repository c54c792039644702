package socialrx

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an [Error]. The host maps codes to HTTP statuses and the
// plugin wire maps them to gRPC codes, so a code survives every boundary.
type Code string

// The error codes. Every exported function documents which it returns.
const (
	// CodeInvalid: the input breaks a rule; [Error.Fields] names each field and rule.
	CodeInvalid Code = "invalid"
	// CodeNotFound: the thing asked for does not exist.
	CodeNotFound Code = "not_found"
	// CodeConflict: the write lost a race (a stale version) or repeats a unique key.
	CodeConflict Code = "conflict"
	// CodeForbidden: the caller may not do this (role, ownership or consent).
	CodeForbidden Code = "forbidden"
	// CodeUnavailable: a dependency is down or timed out; retrying later may work.
	CodeUnavailable Code = "unavailable"
	// CodeInternal: a bug or an unexpected failure.
	CodeInternal Code = "internal"
)

var codes = []Code{CodeInvalid, CodeNotFound, CodeConflict, CodeForbidden, CodeUnavailable, CodeInternal}

// EnumValues lists the codes, for JSON Schema reflection.
func (Code) EnumValues() []string { return EnumStrings(codes) }

// FieldError names one field at fault and the rule it breaks.
type FieldError struct {
	// Path is a JSON pointer (RFC 6901) to the field, such as "/person/nhs_number".
	Path string `json:"path"`
	// Rule says in words which rule the value breaks.
	Rule string `json:"rule"`
}

func (f FieldError) String() string {
	p := f.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + f.Rule
}

// Error is the one error type of socialrx. Compare codes with [ErrorCode]
// or errors.As.
type Error struct {
	// Code classifies the error.
	Code Code `json:"code"`
	// Message is a human sentence; for invalid input it summarises Fields.
	Message string `json:"message"`
	// Fields lists every field at fault, for CodeInvalid.
	Fields []FieldError `json:"fields,omitempty"`
	// Err is the underlying cause, if any; it is not serialised.
	Err error `json:"-"`
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 && e.Message == "" {
		b.WriteString(": ")
		for i, f := range e.Fields {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(f.String())
		}
	}
	if e.Err != nil && e.Message == "" {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an [Error] with the code and a formatted message. A %w verb
// wraps its argument as the cause.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Invalid returns a CodeInvalid [Error] listing the fields, sorted by path
// so the output is stable. It returns nil when fields is empty, so callers
// can collect problems and return Invalid(problems...) at the end.
func Invalid(fields ...FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	fs := append([]FieldError(nil), fields...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	msg := make([]string, len(fs))
	for i, f := range fs {
		msg[i] = f.String()
	}
	return &Error{Code: CodeInvalid, Message: strings.Join(msg, "; "), Fields: fs}
}

// Field is shorthand for a [FieldError] with a formatted rule.
func Field(path, rule string, args ...any) FieldError {
	if len(args) > 0 {
		rule = fmt.Sprintf(rule, args...)
	}
	return FieldError{Path: path, Rule: rule}
}

// ErrorCode returns the code of err: "" for nil, the code of the first
// [Error] in its chain, or CodeInternal for any other error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorFields returns the fields at fault of the first [Error] in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Prefix returns the field errors of err with prefix put before each path,
// so a nested value's errors can be reported at its place in the document.
// A non-invalid error is returned as one field error naming prefix.
func Prefix(prefix string, err error) []FieldError {
	if err == nil {
		return nil
	}
	fs := ErrorFields(err)
	if len(fs) == 0 {
		return []FieldError{{Path: prefix, Rule: err.Error()}}
	}
	out := make([]FieldError, len(fs))
	for i, f := range fs {
		out[i] = FieldError{Path: prefix + f.Path, Rule: f.Rule}
	}
	return out
}
