package plugins

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
)

// Limits are the longest kind and document id a store accepts, in bytes,
// for the checks of [Write.Check], [Query.Check] and [Lease.CheckDue]; 0
// means no limit. The contract sets none: each store picks what fits its
// keys, and adds any other rule its storage needs after these checks.
type Limits struct {
	// Kind bounds Document.Kind, Query.Kind and the kind of LeaseDue.
	Kind int
	// ID bounds Document.ID.
	ID int
}

// checkKind adds a problem at path when k is not a kind a store accepts: a
// non-empty run of lower-case letters and underscores, at most lim.Kind.
func checkKind(fs []socialrx.FieldError, path string, k Kind, lim Limits) []socialrx.FieldError {
	ok := k != "" && (lim.Kind == 0 || len(k) <= lim.Kind)
	for _, c := range []byte(k) {
		if (c < 'a' || c > 'z') && c != '_' {
			ok = false
		}
	}
	switch {
	case ok:
		return fs
	case lim.Kind > 0:
		return append(fs, socialrx.Field(path, "must be lower-case letters and underscores, 1 to %d of them", lim.Kind))
	default:
		return append(fs, socialrx.Field(path, "must be lower-case letters and underscores"))
	}
}

// isObject reports whether b is a JSON object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

// Check returns every problem of w that the Store contract refuses, as one
// invalid error that names each field by JSON pointer ("/document/data",
// "/also/0/id", "/events/0/actor", "/outbox/1/idempotency_key"); update also requires the
// version read. A store calls it before it applies anything of w, then adds
// the problems only its storage has. Codes: invalid.
func (w Write) Check(update bool, lim Limits) error {
	d := w.Document
	fs := checkDoc(nil, "/document", d, lim)
	seen := map[[2]string]bool{{string(d.Kind), d.ID}: true}
	for i, a := range w.Also {
		p := fmt.Sprintf("/also/%d", i)
		fs = checkDoc(fs, p, a, lim)
		if k := [2]string{string(a.Kind), a.ID}; seen[k] {
			fs = append(fs, socialrx.Field(p+"/id", "repeats another document of this write"))
		} else {
			seen[k] = true
		}
	}
	if update && d.Version < 1 {
		fs = append(fs, socialrx.Field("/document/version", "must be the version read, 1 or more"))
	}
	for i, e := range w.Events {
		p := fmt.Sprintf("/events/%d", i)
		if e.Type == "" {
			fs = append(fs, socialrx.Field(p+"/type", "is required"))
		}
		if e.Actor == "" {
			fs = append(fs, socialrx.Field(p+"/actor", "is required"))
		}
		if len(e.Data) > 0 && !isObject(e.Data) {
			fs = append(fs, socialrx.Field(p+"/data", "must be a JSON object"))
		}
	}
	ids, keys := map[string]bool{}, map[string]bool{}
	for i, m := range w.Outbox {
		p := fmt.Sprintf("/outbox/%d", i)
		switch {
		case m.ID == "":
			fs = append(fs, socialrx.Field(p+"/id", "is required"))
		case ids[m.ID]:
			fs = append(fs, socialrx.Field(p+"/id", "repeats an earlier message of this write"))
		}
		switch {
		case m.IdempotencyKey == "":
			fs = append(fs, socialrx.Field(p+"/idempotency_key", "is required"))
		case keys[m.IdempotencyKey]:
			fs = append(fs, socialrx.Field(p+"/idempotency_key", "repeats an earlier message of this write"))
		}
		ids[m.ID], keys[m.IdempotencyKey] = true, true
		if m.Target == "" {
			fs = append(fs, socialrx.Field(p+"/target", "is required"))
		}
		if len(bytes.TrimSpace(m.Payload)) == 0 || !json.Valid(m.Payload) {
			fs = append(fs, socialrx.Field(p+"/payload", "must be JSON"))
		}
	}
	return socialrx.Invalid(fs...)
}

// Check returns the problems of e that the Store contract refuses ("/kind",
// "/id", "/also/0/data" …). Codes: invalid.
func (e Erasure) Check(lim Limits) error {
	fs := checkKind(nil, "/kind", e.Kind, lim)
	if e.ID == "" || (lim.ID > 0 && len(e.ID) > lim.ID) || !utf8.ValidString(e.ID) {
		fs = append(fs, socialrx.Field("/id", "must be the id of a document, 1 byte of UTF-8 or more"))
	}
	seen := map[[2]string]bool{{string(e.Kind), e.ID}: true}
	for i, a := range e.Also {
		p := fmt.Sprintf("/also/%d", i)
		fs = checkDoc(fs, p, a, lim)
		if k := [2]string{string(a.Kind), a.ID}; seen[k] {
			fs = append(fs, socialrx.Field(p+"/id", "repeats another document of this erasure"))
		} else {
			seen[k] = true
		}
	}
	return socialrx.Invalid(fs...)
}

// NamesDocument reports whether an outbox message's idempotency key names
// the document id as one of its colon-separated parts, as the host's keys
// do ("referral:<id>:3:event", "followup:<id>"): the messages
// [Store.Erase] erases with the document. Stores that match in SQL test
// whether ':' || key || ':' contains ':' || id || ':'.
func NamesDocument(key, id string) bool {
	return strings.Contains(":"+key+":", ":"+id+":")
}

// checkDoc adds the problems of a document's kind, id and data at path.
func checkDoc(fs []socialrx.FieldError, path string, d Document, lim Limits) []socialrx.FieldError {
	fs = checkKind(fs, path+"/kind", d.Kind, lim)
	if d.ID == "" || (lim.ID > 0 && len(d.ID) > lim.ID) || !utf8.ValidString(d.ID) {
		if lim.ID > 0 {
			fs = append(fs, socialrx.Field(path+"/id", "must be 1 to %d bytes of UTF-8", lim.ID))
		} else {
			fs = append(fs, socialrx.Field(path+"/id", "must be UTF-8, 1 byte or more"))
		}
	}
	if !isObject(d.Data) {
		fs = append(fs, socialrx.Field(path+"/data", "must be a JSON object"))
	}
	return fs
}

// Check returns the problems of q that the Store contract refuses ("/kind",
// "/limit", "/cursor"), the page size (100 for a zero Limit) and the id
// q.Cursor continues after ("" for the first page, and when the cursor is
// not one [EncodeCursor] made). Codes: invalid.
func (q Query) Check(lim Limits) (limit int, after string, err error) {
	fs := checkKind(nil, "/kind", q.Kind, lim)
	limit = q.Limit
	switch {
	case limit == 0:
		limit = 100
	case limit < 0 || limit > 1000:
		fs = append(fs, socialrx.Field("/limit", "must be 1 to 1000, or 0 for 100"))
	}
	if q.Cursor != "" {
		var ok bool
		if after, ok = decodeCursor(q.Cursor); !ok {
			fs = append(fs, socialrx.Field("/cursor", "is not a cursor this store issued"))
		}
	}
	return limit, after, socialrx.Invalid(fs...)
}

// Check returns the problems of a lease for n items taken at now, as
// LeaseOutbox gets it: no owner ("/lease/owner"), an Until not after now
// ("/lease/until"), n below 1 ("/n"). Codes: invalid.
func (l Lease) Check(now time.Time, n int) error {
	var fs []socialrx.FieldError
	if l.Owner == "" {
		fs = append(fs, socialrx.Field("/lease/owner", "is required"))
	}
	if !l.Until.After(now) {
		fs = append(fs, socialrx.Field("/lease/until", "must be after now"))
	}
	if n < 1 {
		fs = append(fs, socialrx.Field("/n", "must be 1 or more"))
	}
	return socialrx.Invalid(fs...)
}

// CheckDue is [Lease.Check] for LeaseDue, which also refuses a kind that is
// not one ("/kind"). Codes: invalid.
func (l Lease) CheckDue(kind Kind, now time.Time, n int, lim Limits) error {
	fs := checkKind(socialrx.ErrorFields(l.Check(now, n)), "/kind", kind, lim)
	return socialrx.Invalid(fs...)
}

// DefaultDeadLetterPage and MaxDeadLetterPage are the default and the
// largest page size of [Store.DeadLetters]: dead letters carry their
// payloads, so their pages are smaller than a [Query]'s.
const (
	DefaultDeadLetterPage = 50
	MaxDeadLetterPage     = 100
)

// Check returns the problems of q that the Store contract refuses
// ("/limit", "/cursor"), the page size ([DefaultDeadLetterPage] for a zero
// Limit) and the message id q.Cursor continues after. Codes: invalid.
func (q DeadLetterQuery) Check() (limit int, after string, err error) {
	var fs []socialrx.FieldError
	limit = q.Limit
	switch {
	case limit == 0:
		limit = DefaultDeadLetterPage
	case limit < 0 || limit > MaxDeadLetterPage:
		fs = append(fs, socialrx.Field("/limit", "must be 1 to %d, or 0 for %d", MaxDeadLetterPage, DefaultDeadLetterPage))
	}
	if q.Cursor != "" {
		var ok bool
		if after, ok = decodeCursor(q.Cursor); !ok {
			fs = append(fs, socialrx.Field("/cursor", "is not a cursor this store issued"))
		}
	}
	return limit, after, socialrx.Invalid(fs...)
}

// cursorPrefix marks the cursors EncodeCursor makes, so that a string that
// is not one is refused rather than read as an id.
const cursorPrefix = "id:"

// EncodeCursor returns the opaque cursor of a page that continues after the
// document id, for [Page].Next; [Query.Check] reads it back.
func EncodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// decodeCursor returns the id of a cursor EncodeCursor made, and false for
// any other string.
func decodeCursor(c string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !bytes.HasPrefix(b, []byte(cursorPrefix)) || len(b) == len(cursorPrefix) {
		return "", false
	}
	return string(b[len(cursorPrefix):]), true
}
