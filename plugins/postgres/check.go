package postgres

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// maxKeyLen bounds ids, idempotency keys and filter values, well inside
// PostgreSQL's limit for a b-tree index entry.
const maxKeyLen = 512

// validKind reports whether k is a non-empty run of lower-case letters and
// underscores, the kinds a store must accept.
func validKind(k plugins.Kind) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// checkText adds a problem when s cannot be stored as PostgreSQL text: not
// UTF-8, a NUL character, or longer than max bytes (0: no limit).
func checkText(fs []socialrx.FieldError, path, s string, required bool, max int) []socialrx.FieldError {
	switch {
	case s == "" && required:
		return append(fs, socialrx.Field(path, "is required"))
	case !utf8.ValidString(s):
		return append(fs, socialrx.Field(path, "must be UTF-8"))
	case strings.IndexByte(s, 0) >= 0:
		return append(fs, socialrx.Field(path, "must not contain a NUL character"))
	case max > 0 && len(s) > max:
		return append(fs, socialrx.Field(path, "must be at most %d bytes", max))
	}
	return fs
}

// checkJSON adds a problem when b is not JSON that PostgreSQL's jsonb
// accepts; object requires a JSON object.
func checkJSON(fs []socialrx.FieldError, path string, b []byte, object bool) []socialrx.FieldError {
	if !json.Valid(b) {
		return append(fs, socialrx.Field(path, "must be valid JSON"))
	}
	if !utf8.Valid(b) {
		return append(fs, socialrx.Field(path, "must be UTF-8"))
	}
	if object {
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return append(fs, socialrx.Field(path, "must be a JSON object"))
		}
	}
	if err := jsonbCheck(b); err != nil {
		return append(fs, socialrx.Field(path, "%v", err))
	}
	return fs
}

// jsonbCheck finds what valid JSON may hold but PostgreSQL's jsonb
// refuses: the escape \u0000, a UTF-16 surrogate escape that is not half of
// a pair, and a number outside the range of PostgreSQL's numeric. b must be
// valid JSON.
func jsonbCheck(b []byte) error {
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '"':
			j, err := jsonbString(b, i+1)
			if err != nil {
				return err
			}
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(b) && strings.IndexByte("0123456789+-.eE", b[j]) >= 0 {
				j++
			}
			if err := jsonbNumber(string(b[i:j])); err != nil {
				return err
			}
			i = j
		default:
			i++
		}
	}
	return nil
}

// errSurrogate is the problem of an unpaired surrogate escape.
var errSurrogate = errors.New("must not hold an unpaired UTF-16 surrogate escape")

// jsonbString checks the string whose content starts at b[i] and returns
// the index after its closing quote.
func jsonbString(b []byte, i int) (int, error) {
	pendingHigh := false // the previous escape was a high surrogate
	for ; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			if pendingHigh {
				return 0, errSurrogate
			}
			if c == '"' {
				return i + 1, nil
			}
			continue
		}
		i++ // the escaped character; valid JSON has one
		if b[i] != 'u' {
			if pendingHigh {
				return 0, errSurrogate
			}
			continue
		}
		var r rune
		for _, h := range b[i+1 : i+5] {
			r <<= 4
			switch {
			case h >= '0' && h <= '9':
				r |= rune(h - '0')
			case h >= 'a' && h <= 'f':
				r |= rune(h - 'a' + 10)
			default: // 'A'-'F'; valid JSON allows nothing else
				r |= rune(h - 'A' + 10)
			}
		}
		i += 4
		switch {
		case r == 0:
			return 0, errors.New(`must not hold the escape \u0000 (PostgreSQL jsonb cannot store it)`)
		case r >= 0xD800 && r < 0xDC00:
			if pendingHigh {
				return 0, errSurrogate
			}
			pendingHigh = true
		case r >= 0xDC00 && r < 0xE000:
			if !pendingHigh {
				return 0, errSurrogate
			}
			pendingHigh = false
		default:
			if pendingHigh {
				return 0, errSurrogate
			}
		}
	}
	return i, nil
}

// Limits of PostgreSQL's numeric: digits before and after the decimal point.
const (
	numericMaxWeight = 131072
	numericMaxScale  = 16383
	// numericMaxExp bounds the exponent PostgreSQL reads (INT_MAX/2).
	numericMaxExp = 1<<30 - 1
)

// jsonbNumber checks that a JSON number fits PostgreSQL's numeric.
func jsonbNumber(n string) error {
	n = strings.TrimPrefix(n, "-")
	mant, exps, _ := strings.Cut(strings.ToLower(n), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	exp := 0
	if exps != "" {
		e, err := strconv.Atoi(exps)
		if err != nil || e >= numericMaxExp || e <= -numericMaxExp {
			return fmt.Errorf("holds the number %.20s…, outside the range PostgreSQL stores", n)
		}
		exp = e
	}
	scale := len(frac) - exp
	weight := 0
	if nz := strings.IndexFunc(intPart+frac, func(r rune) bool { return r != '0' }); nz >= 0 {
		weight = len(intPart) - nz + exp
	}
	if scale > numericMaxScale || weight > numericMaxWeight {
		return fmt.Errorf("holds the number %.20s…, outside the range PostgreSQL stores", n)
	}
	return nil
}

// checkWrite validates everything in w before anything is written; update
// also requires the version read.
func checkWrite(w plugins.Write, update bool) error {
	var fs []socialrx.FieldError
	d := w.Document
	if !validKind(d.Kind) {
		fs = append(fs, socialrx.Field("/document/kind", "must be lower-case letters and underscores"))
	}
	fs = checkText(fs, "/document/id", d.ID, true, maxKeyLen)
	fs = checkText(fs, "/document/status", d.Status, false, maxKeyLen)
	fs = checkText(fs, "/document/owner", d.Owner, false, maxKeyLen)
	fs = checkText(fs, "/document/partner", d.Partner, false, maxKeyLen)
	fs = checkText(fs, "/document/person", d.Person, false, maxKeyLen)
	if len(d.Data) == 0 {
		fs = append(fs, socialrx.Field("/document/data", "is required"))
	} else {
		fs = checkJSON(fs, "/document/data", d.Data, true)
	}
	if update && d.Version < 1 {
		fs = append(fs, socialrx.Field("/document/version", "must be the version read, 1 or more"))
	}
	fs = checkText(fs, "/idempotency_key", w.IdempotencyKey, false, maxKeyLen)
	for i, e := range w.Events {
		p := fmt.Sprintf("/events/%d", i)
		fs = checkText(fs, p+"/type", e.Type, true, maxKeyLen)
		fs = checkText(fs, p+"/actor", e.Actor, true, 0)
		if len(e.Data) > 0 {
			fs = checkJSON(fs, p+"/data", e.Data, true)
		}
	}
	ids, keys := map[string]bool{}, map[string]bool{}
	for i, m := range w.Outbox {
		p := fmt.Sprintf("/outbox/%d", i)
		fs = checkText(fs, p+"/id", m.ID, true, maxKeyLen)
		if m.ID != "" && ids[m.ID] {
			fs = append(fs, socialrx.Field(p+"/id", "repeats an earlier message of this write"))
		}
		fs = checkText(fs, p+"/idempotency_key", m.IdempotencyKey, true, maxKeyLen)
		if m.IdempotencyKey != "" && keys[m.IdempotencyKey] {
			fs = append(fs, socialrx.Field(p+"/idempotency_key", "repeats an earlier message of this write"))
		}
		ids[m.ID], keys[m.IdempotencyKey] = true, true
		fs = checkText(fs, p+"/target", m.Target, true, maxKeyLen)
		if len(m.Payload) == 0 {
			fs = append(fs, socialrx.Field(p+"/payload", "is required"))
		} else {
			fs = checkJSON(fs, p+"/payload", m.Payload, false)
		}
	}
	return socialrx.Invalid(fs...)
}

// cursorPrefix marks a List cursor, so that a string that is not one is
// refused rather than read as an id.
const cursorPrefix = "id:"

// encodeCursor returns the opaque cursor that continues after id.
func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// decodeCursor returns the id a cursor continues after ("" for the first
// page). Codes: invalid.
func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	id, ok := strings.CutPrefix(string(b), cursorPrefix)
	if err != nil || !ok || id == "" || !utf8.ValidString(id) || strings.IndexByte(id, 0) >= 0 || encodeCursor(id) != c {
		return "", socialrx.Invalid(socialrx.Field("/cursor", "must be the next cursor of a previous page"))
	}
	return id, nil
}

// micro truncates t to PostgreSQL's microsecond precision, in UTC.
func micro(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// microPtr is micro for an optional time.
func microPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	m := micro(*t)
	return &m
}

// now returns the current time rounded up to the microsecond, so a time the
// store sets is never before the moment a caller made its call.
func now() time.Time {
	t := time.Now().UTC()
	r := t.Truncate(time.Microsecond)
	if r.Before(t.Round(0)) {
		r = r.Add(time.Microsecond)
	}
	return r
}
