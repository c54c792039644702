package fhir

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// cursor is where a pull of referrals continues: after the ServiceRequest
// with server id ID last updated at LastUpdated (as the server wrote it),
// in the order of last update, then id. The zero cursor is the start.
type cursor struct {
	LastUpdated string `json:"t,omitempty"`
	ID          string `json:"id,omitempty"`
}

const cursorPrefix = "fhir1."

var fhirID = regexp.MustCompile(`^[A-Za-z0-9.-]{1,64}$`)

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// after reports whether a ServiceRequest last updated at t with id comes
// after the cursor.
func (c cursor) after(t time.Time, id string) bool {
	if c.LastUpdated == "" {
		return true
	}
	ct, _ := time.Parse(time.RFC3339Nano, c.LastUpdated)
	return t.After(ct) || (t.Equal(ct) && id > c.ID)
}

// parseCursor reads a cursor PullReferrals issued; "" is the start.
// Codes: invalid (at /cursor).
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	bad := func(why string) (cursor, error) {
		return cursor{}, socialrx.Invalid(socialrx.Field("/cursor", "not a cursor this adapter issued: %s", why))
	}
	rest, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return bad("unknown format")
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad("not base64url")
	}
	var c cursor
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() {
		return bad("not a cursor object")
	}
	if (c.LastUpdated == "") != (c.ID == "") {
		return bad("time and id go together")
	}
	if c.LastUpdated != "" {
		if _, err := time.Parse(time.RFC3339Nano, c.LastUpdated); err != nil {
			return bad("bad time")
		}
		if !fhirID.MatchString(c.ID) {
			return bad("bad id")
		}
	}
	return c, nil
}
