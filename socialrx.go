package socialrx

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time of day or zone, written YYYY-MM-DD
// in JSON. The zero Date is "no date" and is omitted with `omitzero`.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD. It returns CodeInvalid for anything else,
// including dates that do not exist such as 2023-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(CodeInvalid, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in tests and examples; it panics on error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// AddDays returns the date n days after d (before it for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Enum is a string type that lists its values, as every socialrx enum does
// (JSON Schema reflection reads EnumValues too).
type Enum interface {
	~string
	EnumValues() []string
}

// EnumStrings returns the strings of enum values, in order. EnumValues
// methods are built from a slice of the type's constants with it, so the
// values are written once:
//
//	var consentKinds = []ConsentKind{ConsentReferral, ConsentShare}
//
//	func (ConsentKind) EnumValues() []string { return socialrx.EnumStrings(consentKinds) }
func EnumStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// ValidEnum reports whether v is one of its type's values.
func ValidEnum[T Enum](v T) bool {
	for _, s := range v.EnumValues() {
		if s == string(v) {
			return true
		}
	}
	return false
}
