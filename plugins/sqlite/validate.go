package sqlite

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// maxIDLen bounds document ids, so a key stays a key.
const maxIDLen = 256

// validKind reports whether k is lower-case letters and underscores.
func validKind(k plugins.Kind) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, c := range []byte(k) {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// isObject reports whether b is a JSON object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// validateWrite checks every field of w and returns all problems at once.
func validateWrite(w plugins.Write, update bool) error {
	var fs []socialrx.FieldError
	d := w.Document
	if !validKind(d.Kind) {
		fs = append(fs, socialrx.Field("/document/kind", "must be lower-case letters and underscores, 1 to 64 of them"))
	}
	if d.ID == "" || len(d.ID) > maxIDLen || !utf8.ValidString(d.ID) {
		fs = append(fs, socialrx.Field("/document/id", "must be 1 to %d bytes of UTF-8", maxIDLen))
	}
	if !isObject(d.Data) {
		fs = append(fs, socialrx.Field("/document/data", "must be a JSON object"))
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

// validateQuery checks q and returns the page size and the id to continue
// after.
func validateQuery(q plugins.Query) (limit int, after string, err error) {
	var fs []socialrx.FieldError
	if !validKind(q.Kind) {
		fs = append(fs, socialrx.Field("/kind", "must be lower-case letters and underscores"))
	}
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

// validateLease checks the arguments of LeaseOutbox and LeaseDue.
func validateLease(lease plugins.Lease, now time.Time, n int) error {
	var fs []socialrx.FieldError
	if lease.Owner == "" {
		fs = append(fs, socialrx.Field("/lease/owner", "is required"))
	}
	if !lease.Until.After(now) {
		fs = append(fs, socialrx.Field("/lease/until", "must be after now"))
	}
	if n < 1 {
		fs = append(fs, socialrx.Field("/n", "must be 1 or more"))
	}
	return socialrx.Invalid(fs...)
}

// cursorPrefix marks cursors this store issued.
const cursorPrefix = "id:"

func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

func decodeCursor(c string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !bytes.HasPrefix(b, []byte(cursorPrefix)) || len(b) == len(cursorPrefix) {
		return "", false
	}
	return string(b[len(cursorPrefix):]), true
}

// live returns an unavailable error when ctx is done.
func live(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %w", err)
	}
	return nil
}
