package postgres

import (
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

// limits are the contract checks' bounds here: kinds of any length, ids
// that fit a b-tree index entry.
var limits = plugins.Limits{ID: maxKeyLen}

// named reports whether fs has a problem at path already.
func named(fs []socialrx.FieldError, path string) bool {
	for _, f := range fs {
		if f.Path == path {
			return true
		}
	}
	return false
}

// checkText adds a problem when s cannot be stored as PostgreSQL text: not
// UTF-8, a NUL character, or longer than max bytes (0: no limit). It adds
// none for "" (the contract's checks say what is required) nor to a field
// that fs names already.
func checkText(fs []socialrx.FieldError, path, s string, max int) []socialrx.FieldError {
	if s == "" || named(fs, path) {
		return fs
	}
	switch {
	case !utf8.ValidString(s):
		return append(fs, socialrx.Field(path, "must be UTF-8"))
	case strings.IndexByte(s, 0) >= 0:
		return append(fs, socialrx.Field(path, "must not contain a NUL character"))
	case max > 0 && len(s) > max:
		return append(fs, socialrx.Field(path, "must be at most %d bytes", max))
	}
	return fs
}

// checkJSONB adds a problem when b, JSON the contract's checks let through,
// is what PostgreSQL's jsonb refuses. It adds none for an empty b nor to a
// field that fs names already (b may not be JSON then).
func checkJSONB(fs []socialrx.FieldError, path string, b []byte) []socialrx.FieldError {
	if len(b) == 0 || named(fs, path) {
		return fs
	}
	if !utf8.Valid(b) {
		return append(fs, socialrx.Field(path, "must be UTF-8"))
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

// checkWrite returns the problems of w, the contract's (plugins.Write.Check)
// and what PostgreSQL cannot store, before anything is written; update also
// requires the version read. Codes: invalid.
func checkWrite(w plugins.Write, update bool) error {
	fs := socialrx.ErrorFields(w.Check(update, limits))
	fs = checkDoc(fs, "/document", w.Document)
	for i, a := range w.Also {
		fs = checkDoc(fs, fmt.Sprintf("/also/%d", i), a)
	}
	fs = checkText(fs, "/idempotency_key", w.IdempotencyKey, maxKeyLen)
	for i, e := range w.Events {
		p := fmt.Sprintf("/events/%d", i)
		fs = checkText(fs, p+"/type", e.Type, maxKeyLen)
		fs = checkText(fs, p+"/actor", e.Actor, 0)
		fs = checkJSONB(fs, p+"/data", e.Data)
	}
	for i, m := range w.Outbox {
		p := fmt.Sprintf("/outbox/%d", i)
		fs = checkText(fs, p+"/id", m.ID, maxKeyLen)
		fs = checkText(fs, p+"/idempotency_key", m.IdempotencyKey, maxKeyLen)
		fs = checkText(fs, p+"/target", m.Target, maxKeyLen)
		fs = checkJSONB(fs, p+"/payload", m.Payload)
	}
	return socialrx.Invalid(fs...)
}

// checkDoc adds what PostgreSQL cannot store of a document's fields at path.
func checkDoc(fs []socialrx.FieldError, path string, d plugins.Document) []socialrx.FieldError {
	fs = checkText(fs, path+"/id", d.ID, maxKeyLen)
	fs = checkText(fs, path+"/status", d.Status, maxKeyLen)
	fs = checkText(fs, path+"/owner", d.Owner, maxKeyLen)
	fs = checkText(fs, path+"/partner", d.Partner, maxKeyLen)
	fs = checkText(fs, path+"/person", d.Person, maxKeyLen)
	fs = checkText(fs, path+"/team", d.Team, maxKeyLen)
	return checkJSONB(fs, path+"/data", d.Data)
}

// checkQuery returns the problems of q, the contract's (plugins.Query.Check)
// and filters PostgreSQL text cannot hold, with the page size and the id
// its cursor continues after. A cursor must also have the one spelling
// plugins.EncodeCursor gives it, and an id PostgreSQL can hold. Codes:
// invalid.
func checkQuery(q plugins.Query) (limit int, after string, err error) {
	limit, after, err = q.Check(limits)
	fs := socialrx.ErrorFields(err)
	for _, f := range []struct{ path, v string }{
		{"/status", q.Status}, {"/owner", q.Owner}, {"/partner", q.Partner}, {"/person", q.Person}, {"/team", q.Team},
	} {
		fs = checkText(fs, f.path, f.v, 0)
	}
	if after != "" && (!utf8.ValidString(after) || strings.IndexByte(after, 0) >= 0 || plugins.EncodeCursor(after) != q.Cursor) {
		fs = append(fs, socialrx.Field("/cursor", "is not a cursor this store issued"))
		after = ""
	}
	return limit, after, socialrx.Invalid(fs...)
}

// checkLease adds to problems, the contract's of a lease (plugins.Lease.Check
// or CheckDue), an owner that PostgreSQL text cannot hold. Codes: invalid.
func checkLease(problems error, lease plugins.Lease) error {
	return socialrx.Invalid(checkText(socialrx.ErrorFields(problems), "/lease/owner", lease.Owner, maxKeyLen)...)
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
